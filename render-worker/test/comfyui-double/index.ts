export { ComfyUIDouble, defaultNodeClasses, type ComfyDoubleOptions, type DoubleFailure, type DoubleExecution } from './comfyui-double.ts';
export { testRecipe, testTask, memoryStorage, testContext } from './test-recipe.ts';
