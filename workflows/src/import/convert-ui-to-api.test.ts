import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComfyApiGraph } from '@shotfarm/shared';
import { convertUiToApi } from './convert-ui-to-api.ts';
import { fixtureFiles, readFixtureJson, testObjectInfo, workflowFixturesDir } from './test-fixtures.ts';
import { WorkflowNodesUnknownError } from './workflow-import-error.ts';

/** class_type and inputs only: `_meta` titles and extras such as `is_changed` are not part of the comparison. */
const comparable = (graph: Record<string, { class_type: string; inputs: unknown }>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(graph).map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]));

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
    expect(comparable(graph)).toEqual(comparable(twin));
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
