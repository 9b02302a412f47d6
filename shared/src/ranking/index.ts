// Ranking a job's scored outputs, shared by the studio's ranking route and the scorer's evaluation.
export { topKDiverse, type RankCandidate } from './top-k-diverse.ts';
