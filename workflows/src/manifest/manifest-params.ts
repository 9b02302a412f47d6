import { z } from 'zod';
import { textInputMaxLength, type RecipeManifestInput } from '@shotfarm/shared';

type ParamInput = Exclude<RecipeManifestInput, { kind: 'image' | 'seed' }>;

/** Both languages in one description, so the generated form and the OpenAPI page read in either. */
const describe = (input: RecipeManifestInput): string => `${input.label['zh-CN']} / ${input.label.en}`;

function paramSchema(input: ParamInput): z.ZodType {
  switch (input.kind) {
    case 'integer':
    case 'number': {
      let s = input.kind === 'integer' ? z.int() : z.number();
      if (input.min !== undefined) s = s.min(input.min);
      if (input.max !== undefined) s = s.max(input.max);
      return input.default === undefined ? s : s.default(input.default);
    }
    case 'enum': {
      const s = z.enum(input.options as [string, ...string[]]);
      return input.default === undefined ? s : s.default(input.default);
    }
    case 'text': {
      const s = z.string().max(textInputMaxLength);
      return input.default === undefined ? s : s.default(input.default);
    }
  }
}

/**
 * The strict zod object of a manifest's non-image inputs. Images travel as `inputs` (asset ids), and seeds
 * are left out: the farm gives each variant its own, so a person cannot pin them.
 */
export function manifestParams(inputs: readonly RecipeManifestInput[]): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const input of inputs) {
    if (input.kind === 'image' || input.kind === 'seed') continue;
    shape[input.name] = paramSchema(input).describe(describe(input));
  }
  return z.strictObject(shape);
}
