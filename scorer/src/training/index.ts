// `@shotfarm/scorer/training`: fitting and shipping the CTR model.
export { type CtrDataset, type CtrRow, summariseDataset } from './ctr-dataset.ts';
export { splitByDay, type SplitByDayOptions, type TimeSplit } from './split-by-day.ts';
export { trainLogistic, imageLogit, type LogisticFit, type TrainLogisticOptions } from './train-logistic.ts';
export { readClickLogCsv, writeClickLogCsv } from './click-log-csv.ts';
export { loadOpenBanditDataset, type OpenBanditLog, type OpenBanditOptions } from './open-bandit-dataset.ts';
export { buildShippedCtrModel } from './ship-ctr-model.ts';
export { exportCtrOnnx } from '../ctr/onnx-export.ts';
export { importCtrOnnx, type CtrOnnxContents } from '../ctr/onnx-import.ts';
