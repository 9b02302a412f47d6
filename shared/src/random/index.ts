// `@shotfarm/shared/random`: the one seeded generator every reproducible draw uses (click simulation, training
// splits, bandit allocation and its simulations).
export { SeededRandom } from './seeded-random.ts';
