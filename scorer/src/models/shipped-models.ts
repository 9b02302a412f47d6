import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `scorer/models/`: where the trained models this release ships are written and read. */
export const shippedModelsDir = fileURLToPath(new URL('../../models/', import.meta.url));

/** A model file this release ships, ready for the manager's model registry. */
export interface ShippedModelFile {
  name: string;
  version: number;
  onnx: Buffer;
  metadata: Record<string, unknown>;
}

/** Files in `scorer/models/`: `<name>-v<version>.onnx` with its `.json` metadata beside it. */
const shipped = [{ name: 'ctr', version: 1 }] as const;

/** Read the models in `scorer/models/`, so the manager can register them at start-up. */
export async function readShippedModels(dir = shippedModelsDir): Promise<ShippedModelFile[]> {
  return Promise.all(shipped.map(async ({ name, version }) => {
    const base = path.join(dir, `${name}-v${version}`);
    const [onnx, json] = await Promise.all([readFile(`${base}.onnx`), readFile(`${base}.json`, 'utf8')]);
    return { name, version, onnx, metadata: JSON.parse(json) as Record<string, unknown> };
  }));
}
