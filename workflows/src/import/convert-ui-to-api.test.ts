import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComfyApiGraph } from '@shotfarm/shared';
import { convertUiToApi } from './convert-ui-to-api.ts';
import { fixtureFiles, graphShape, readFixtureJson, testObjectInfo, workflowFixturesDir } from '../../test/import-fixtures.ts';
import { WorkflowNodesUnknownError } from './workflow-import-error.ts';

/** class_type and inputs only: `_meta` titles and extras such as `is_changed` are not part of the comparison. */
/** `[node id, widget]` for each required widget the converter filled from its default, read from the warnings. */
const defaultFilled = (warnings: string[]): [string, string][] =>
  warnings.flatMap((w) => {
    const m = /^node (\S+) \(.*\): widget "(.+)" has no saved value; used the default /.exec(w);
    return m ? [[m[1]!, m[2]!] as [string, string]] : [];
  });

const twins = fixtureFiles('.ui.json').filter((f) => existsSync(path.join(workflowFixturesDir, f.replace(/\.ui\.json$/, '.api.json'))));

describe('convertUiToApi', () => {
  const objectInfo = testObjectInfo();

  it('finds the UI fixtures that have API twins', () => {
    expect(twins.length).toBeGreaterThanOrEqual(7);
  });

  it.each(twins)('%s converts to its API twin', (ui) => {
    const { graph, warnings } = convertUiToApi(readFixtureJson(ui), objectInfo);
    const twin = readFixtureJson(ui.replace(/\.ui\.json$/, '.api.json')) as ComfyApiGraph;
    // A file older than a node's current definition gets the newer required widgets at their declared default
    // (as today's editor does, and today's server demands); the twin, exported by that older editor, lacks them.
    for (const [id, name] of defaultFilled(warnings)) {
      expect(twin[id]?.inputs[name]).toBeUndefined();
      delete graph[id]?.inputs[name];
    }
    expect(graphShape(graph)).toEqual(graphShape(twin));
  });

  it('pushes a PrimitiveNode value into every widget it feeds, over the stale saved value', () => {
    const ui = structuredClone(readFixtureJson('t2i/sdxl-simple.ui.json')) as { nodes: { id: number; widgets_values?: unknown[] }[] };
    ui.nodes.find((n) => n.id === 45)!.widgets_values = [31, 'fixed'];
    const { graph } = convertUiToApi(ui, objectInfo);
    expect([graph['10']!.inputs.steps, graph['11']!.inputs.steps]).toEqual([31, 31]);
  });

  it('follows a Reroute to the real origin', () => {
    type Ui = { nodes: Record<string, unknown>[]; links: unknown[][] };
    const ui = structuredClone(readFixtureJson('img2img/sd15-img2img.ui.json')) as Ui;
    // Link 13 was checkpoint 14 → KSampler 3 (MODEL); send it through a reroute 99 instead.
    ui.links = ui.links.map((l) => (l[0] === 13 ? [13, 99, 0, 3, 0, 'MODEL'] : l));
    ui.links.push([100, 14, 0, 99, 0, 'MODEL']);
    ui.nodes.push({ id: 99, type: 'Reroute', mode: 0, inputs: [{ name: '', type: '*', link: 100 }], outputs: [{ name: '', type: 'MODEL', links: [13] }] });
    const { graph } = convertUiToApi(ui, objectInfo);
    expect(graph['3']!.inputs.model).toEqual(['14', 0]);
    expect(graph['99']).toBeUndefined();
  });

  it('passes a bypassed node through by type and drops a muted one', () => {
    type Ui = { nodes: { id: number; mode?: number }[] };
    const ui = structuredClone(readFixtureJson('img2img/sd15-img2img.ui.json')) as Ui;
    ui.nodes.find((n) => n.id === 12)!.mode = 4; // VAEEncode: its LATENT output has no LATENT input to pass on
    ui.nodes.find((n) => n.id === 9)!.mode = 2;
    const { graph } = convertUiToApi(ui, objectInfo);
    expect(graph['3']!.inputs.latent_image).toBeUndefined();
    expect(graph['9']).toBeUndefined();
    expect(graph['12']).toBeUndefined();
  });

  it('converts the IC-Light relight file with essentials, Easy-Use and IC-Light-Native definitions', () => {
    const { graph } = convertUiToApi(readFixtureJson('product-shot/iclight-fg-relight.ui.json'), objectInfo);
    expect(graph['14']!.inputs).toEqual({ width: 512, height: 768, interpolation: 'nearest', keep_proportion: false, condition: 'always', multiple_of: 0, image: ['11', 0] });
    expect(graph['12']!.inputs).toEqual({ rem_mode: 'RMBG-1.4', image_output: 'Save', save_prefix: 'ComfyUI', images: ['14', 0] });
    // The file predates UNETLoader's weight_dtype; that combo declares no default, so its first option goes.
    expect(graph['23']!.inputs).toEqual({ unet_name: 'iclight_sd15_fc_unet_ldm.safetensors', weight_dtype: 'default' });
    expect(graph['35']!.inputs).toEqual({ model: ['4', 0], ic_model: ['23', 0], c_concat: ['24', 0] });
  });

  it('converts the kijai IC-Light example through KJNodes masks and a Reroute', () => {
    const { graph, warnings } = convertUiToApi(readFixtureJson('product-shot/iclight-kijai-example02.ui.json'), objectInfo);
    // An old file's trailing values shift onto the current `crop` widget, which KJNodes accepts as 0 for that reason.
    expect(graph['46']!.inputs).toEqual({ width: 512, height: 512, upscale_method: 'lanczos', keep_proportion: false, divisible_by: 2, crop: 0, image: ['9', 0] });
    expect(warnings).toEqual(['node 46 (ImageResizeKJ): 2 widget value(s) beyond those object_info declares were ignored']);
    expect(graph['43']!.inputs).toEqual({ min: 0, max: 0.65, mask: ['42', 0] });
    expect(graph['44']!.inputs).toEqual({ multiplier: 0.18215, positive: ['4', 0], negative: ['5', 0], vae: ['2', 2], foreground: ['45', 0] });
  });

  it('converts the Lightricks LTXV file, sending the VideoHelperSuite format widgets by name', () => {
    const { graph, warnings } = convertUiToApi(readFixtureJson('video/ltxv-i2v-lightricks.ui.json'), objectInfo);
    expect(warnings).toEqual([]);
    expect(graph['88']!.inputs).toEqual({
      frame_rate: 25, loop_count: 0, filename_prefix: 'ltxv', format: 'video/h264-mp4', pingpong: false, save_output: true,
      pix_fmt: 'yuv420p', crf: 19, save_metadata: true, images: ['8', 0],
    });
    expect(graph['93']!.inputs).toMatchObject({ crf: 29, blur_radius: 0, interpolation: 'lanczos', crop: 'disabled', strength: 0.9, image: ['78', 0] });
    expect(graph['94']!.inputs).toMatchObject({ skip_steps_sigma_threshold: 0.998, cfg_star_rescale: true, preset: ['95', 0] });
    expect(graph['85']!.inputs).toEqual({ prompt: 'a person looking like Shrek talking', max_resulting_tokens: 256, prompt_enhancer: ['86', 0], image_prompt: ['78', 0] });
  });

  it('names every class object_info lacks', () => {
    const ui = readFixtureJson('model-swap/catvton-sd15.ui.json');
    const error = (() => {
      try {
        convertUiToApi(ui, { LoadImage: objectInfo.LoadImage! });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WorkflowNodesUnknownError);
    expect((error as WorkflowNodesUnknownError).missingClasses).toEqual(['AutoMasker', 'CatVTON', 'LoadAutoMasker', 'LoadCatVTONPipeline', 'PreviewImage']);
    expect((error as Error).message).toContain('Export (API)');
  });

  it('refuses to convert without object_info', () => {
    expect(() => convertUiToApi(readFixtureJson('img2img/sd15-img2img.ui.json'), undefined)).toThrow(/no ComfyUI node definitions/);
  });

  it('rejects something that is not a UI workflow', () => {
    expect(() => convertUiToApi({ nodes: [{ id: 1 }] }, objectInfo)).toThrow(/not a ComfyUI UI-format workflow: nodes.0.type/);
  });
});
