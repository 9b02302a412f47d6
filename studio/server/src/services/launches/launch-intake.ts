import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { and, eq, inArray, ne } from 'drizzle-orm';
import {
  LaunchPlan, newId, type LaunchAccepted, type LaunchPreview, type LaunchRowProblem, type Params,
} from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Recipe } from '@shotfarm/workflows';
import {
  BudgetExceededError, IdempotencyKeyReusedError, LaunchManifestInvalidError, LaunchPhotosInvalidError, LaunchPlanInvalidError, withDetails,
} from '../../errors.ts';
import { sniffImage } from '../assets/image-sniff.ts';
import type { UploadIngest } from '../assets/upload-ingest.ts';
import type { BackendRouter } from '../costs/backend-router.ts';
import { idempotencyKeyOf } from '../requests/idempotency.ts';
import { checkRows, type ManifestRow } from './manifest-rows.ts';
import { maxManifestBytes, readManifest } from './manifest-read.ts';
import { PhotoZip, photoZipBounds } from './photo-zip.ts';
import { photoInputsOf } from './recipe-inputs.ts';

/** Largest photo ZIP accepted, bytes. */
export const maxPhotoZipBytes = 4 * 1024 ** 3;

export interface LaunchIntakeDeps {
  db: Db;
  uploads: UploadIngest;
  recipes: ReadonlyMap<string, Recipe>;
  router: BackendRouter;
  backends: readonly string[];
  urlHosts: readonly string[];
  spoolDir: string;
  log: FastifyBaseLogger;
}

/** The request's parts, spooled: the manifest in memory (bounded), the photo ZIP on disk, the plan as sent. */
export interface LaunchUpload {
  manifest: Buffer;
  manifestName: string | undefined;
  photosFile: string | null;
  photosSha256: string | null;
  plan: unknown;
  discard(): Promise<void>;
}

interface Checked {
  plan: LaunchPlan;
  rows: ManifestRow[];
  problems: LaunchRowProblem[];
  allRows: { line: number; sku: string; title: string; category: string; photos: string[] }[];
  zip: PhotoZip | null;
  estimatePerSku: number | null;
  tasksPerSku: number;
}

const byLine = (a: LaunchRowProblem, b: LaunchRowProblem): number => a.line - b.line || a.column.localeCompare(b.column);

/**
 * `POST /api/launches`: read the multipart request, check the plan and every manifest row, make the ZIP's photos assets,
 * and commit the launch and all its SKUs in one transaction. Nothing is enqueued here: the runner takes it from there,
 * so a crash after the commit loses nothing and a crash before it stores nothing but content-addressed photos.
 */
export class LaunchIntake {
  constructor(private readonly deps: LaunchIntakeDeps) {}

  async receive(req: FastifyRequest): Promise<LaunchUpload> {
    if (!req.isMultipart()) throw new LaunchManifestInvalidError('send multipart/form-data with a "manifest" file, a "plan" field and optionally a "photos" ZIP');
    const spooled: string[] = [];
    const discard = async () => { await Promise.all(spooled.map((f) => rm(f, { force: true }))); };
    let manifest: Buffer | undefined;
    let manifestName: string | undefined;
    let photosFile: string | null = null;
    let photosSha256: string | null = null;
    let plan: unknown;
    try {
      const parts = req.parts({ limits: { fileSize: maxPhotoZipBytes, files: 3, fields: 4, fieldSize: 256 * 1024 } });
      for await (const part of parts) {
        if (part.type === 'field') {
          if (part.fieldname === 'plan') plan = parsePlanText(String(part.value));
          continue;
        }
        if (part.fieldname === 'manifest') {
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of part.file) {
            size += (chunk as Buffer).length;
            if (size > maxManifestBytes) { part.file.resume(); throw new LaunchManifestInvalidError(`the manifest is larger than ${maxManifestBytes} bytes`); }
            chunks.push(chunk as Buffer);
          }
          manifest = Buffer.concat(chunks);
          manifestName = part.filename || undefined;
        } else if (part.fieldname === 'photos') {
          await mkdir(this.deps.spoolDir, { recursive: true });
          const file = path.join(this.deps.spoolDir, `${randomUUID()}.zip`);
          spooled.push(file);
          const hash = createHash('sha256');
          await pipeline(part.file, new Transform({ transform(chunk: Buffer, _e, done) { hash.update(chunk); done(null, chunk); } }), createWriteStream(file));
          if (part.file.truncated) throw new LaunchPhotosInvalidError(`the photo ZIP is larger than ${maxPhotoZipBytes} bytes`);
          photosFile = file;
          photosSha256 = hash.digest('hex');
        } else if (part.fieldname === 'plan') {
          const chunks: Buffer[] = [];
          for await (const chunk of part.file) chunks.push(chunk as Buffer);
          plan = parsePlanText(Buffer.concat(chunks).toString('utf8'));
        } else {
          part.file.resume();
        }
      }
    } catch (e) {
      await discard();
      const code = (e as { code?: string }).code;
      if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new LaunchManifestInvalidError('send multipart/form-data');
      if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw new LaunchManifestInvalidError('too many parts: send manifest, photos and plan once each');
      throw e;
    }
    if (!manifest) { await discard(); throw new LaunchManifestInvalidError('send the manifest as the multipart file "manifest"'); }
    return { manifest, manifestName, photosFile, photosSha256, plan: plan ?? {}, discard };
  }

  /** Everything `POST /api/launches` checks, and nothing stored: the studio's preview before starting. */
  async preview(upload: LaunchUpload): Promise<LaunchPreview> {
    const checked = await this.#check(upload);
    checked.zip?.close();
    const okLines = new Set(checked.rows.map((r) => r.line));
    return {
      rows: checked.allRows.map((r) => ({ ...r, ok: okLines.has(r.line) })),
      accepted: checked.rows.length,
      rejected: checked.problems,
      estimate: {
        perSku: checked.estimatePerSku, tasksPerSku: checked.tasksPerSku,
        total: checked.estimatePerSku === null ? null : checked.estimatePerSku * checked.rows.length,
      },
    };
  }

  /** Create the launch (201), or answer the existing one for the same content or `Idempotency-Key` (200). */
  async create(req: FastifyRequest, upload: LaunchUpload, by: { createdBy: string | null }): Promise<{ statusCode: 200 | 201; body: LaunchAccepted }> {
    const plan = parsePlan(upload.plan);
    const contentHash = createHash('sha256').update(createHash('sha256').update(upload.manifest).digest('hex')).update('\n')
      .update(upload.photosSha256 ?? '-').update('\n').update(canonicalJson(plan)).digest('hex');
    const idempotencyKey = idempotencyKeyOf(req.headers['idempotency-key']) ?? null;
    const existing = await this.#existing(contentHash, idempotencyKey, by.createdBy);
    if (existing) return { statusCode: 200, body: existing };

    const checked = await this.#check(upload, plan);
    try {
      // Refused before any photo is stored: a rejected manifest leaves nothing behind.
      const refuseIfBad = (rows: ManifestRow[], problems: LaunchRowProblem[]) => {
        if (rows.length === 0) throw withDetails(new LaunchManifestInvalidError('no row of the manifest can be launched'), { rejected: problems });
        if (problems.length > 0 && !plan.acceptPartial) {
          throw withDetails(new LaunchManifestInvalidError(`${problems.length} problem(s) in the manifest: fix them, or send acceptPartial to launch the ${rows.length} good row(s)`), { rejected: problems });
        }
      };
      refuseIfBad(checked.rows, checked.problems);
      if (plan.budget !== undefined && checked.estimatePerSku !== null && checked.estimatePerSku > plan.budget) {
        throw withDetails(new BudgetExceededError(`one SKU is expected to cost ${checked.estimatePerSku} milli-fen, more than the launch's budget of ${plan.budget}`),
          { estimate: checked.estimatePerSku, remaining: plan.budget, cap: plan.budget, scope: 'launch' });
      }
      // A photo that sniffed as an image but does not decode is found only now (its siblings are stored, content-addressed).
      const { rows, problems } = await this.#ingestZipPhotos(checked, by);
      refuseIfBad(rows, problems);
      const id = newId();
      const launch = {
        id, name: plan.name ?? upload.manifestName ?? `launch ${new Date().toISOString().slice(0, 16)}`, status: 'queued' as const, contentHash, idempotencyKey,
        plan, estimatePerSkuMilliFen: checked.estimatePerSku, rejected: problems, totalSkus: rows.length, createdBy: by.createdBy,
      };
      try {
        await this.deps.db.transaction(async (tx) => {
          await tx.insert(tables.launches).values(launch);
          for (let i = 0; i < rows.length; i += 500) {
            await tx.insert(tables.launchSkus).values(rows.slice(i, i + 500).map((r) => ({
              id: newId(), launchId: id, line: r.line, sku: r.sku, title: r.title, category: r.category, photos: r.photos, params: r.params, status: 'pending' as const,
            })));
          }
        });
      } catch (e) {
        // The same launch committed a moment ago by a concurrent request: answer that one.
        const again = await this.#existing(contentHash, idempotencyKey, by.createdBy);
        if (again) return { statusCode: 200, body: again };
        throw e;
      }
      return { statusCode: 201, body: { id, accepted: rows.length, rejected: problems } };
    } finally {
      checked.zip?.close();
    }
  }

  async #existing(contentHash: string, idempotencyKey: string | null, createdBy: string | null): Promise<LaunchAccepted | null> {
    const { launches } = tables;
    if (idempotencyKey !== null) {
      const [byKey] = await this.deps.db.select().from(launches)
        .where(and(eq(launches.idempotencyKey, idempotencyKey), createdBy === null ? undefined : eq(launches.createdBy, createdBy)));
      if (byKey) {
        if (byKey.contentHash !== contentHash) throw new IdempotencyKeyReusedError();
        return { id: byKey.id, accepted: byKey.totalSkus, rejected: byKey.rejected };
      }
    }
    const [same] = await this.deps.db.select().from(launches).where(and(eq(launches.contentHash, contentHash), ne(launches.status, 'canceled')));
    return same ? { id: same.id, accepted: same.totalSkus, rejected: same.rejected } : null;
  }

  async #check(upload: LaunchUpload, planIn?: LaunchPlan): Promise<Checked> {
    const plan = planIn ?? parsePlan(upload.plan);
    const lines = plan.recipes.map((line, i) => ({ line, i, recipe: this.#recipeOf(line.recipe, i) }));
    for (const { line, i, recipe } of lines) {
      const { missing } = photoInputsOf(recipe, line.inputs ?? {});
      if (missing.length > 0) {
        throw withDetails(new LaunchPlanInvalidError(`recipes.${i}: recipe ${recipe.id} needs ${missing.join(', ')}, which a SKU's photos do not fill: give it in "inputs" as an asset id`),
          { field: `recipes.${i}.inputs` });
      }
      const params = recipe.params.safeParse(line.params ?? {});
      if (!params.success) {
        throw withDetails(new LaunchPlanInvalidError(`recipes.${i}.params: ${params.error.issues.map((x) => `${x.path.join('.') || (x as { keys?: string[] }).keys?.join(',')}: ${x.message}`).join('; ')}`), { field: `recipes.${i}.params` });
      }
    }
    const table = await readManifest(upload.manifest);
    const zip = upload.photosFile ? await PhotoZip.open(upload.photosFile, photoZipBounds) : null;
    try {
      const checkParams = (rowParams: Params): string | null => {
        const known = new Set(lines.flatMap(({ recipe }) => Object.keys(recipe.params.shape)));
        const unknown = Object.keys(rowParams).filter((k) => !known.has(k));
        if (unknown.length > 0) return `no recipe of the plan has ${unknown.map((k) => `"${k}"`).join(', ')}`;
        for (const { line, recipe } of lines) {
          const mine = Object.fromEntries(Object.entries(rowParams).filter(([k]) => k in recipe.params.shape));
          const parsed = recipe.params.safeParse({ ...line.params, ...mine });
          if (!parsed.success) return `${recipe.id}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`;
        }
        return null;
      };
      const result = checkRows(table, { zip, urlHosts: this.deps.urlHosts, checkParams });
      if (result.fatal) throw withDetails(new LaunchManifestInvalidError(`the manifest lacks required columns: ${result.problems.map((p) => p.column).join(', ')}`), { rejected: result.problems });
      const problems = [...result.problems];
      let rows = result.rows;
      // Asset ids must be images that exist; ZIP entries must be images (sniffed from their first bytes).
      const assetIds = [...new Set(rows.flatMap((r) => r.photos.filter((p) => p.kind === 'asset').map((p) => p.ref)))];
      const assets = new Map<string, string>();
      for (let i = 0; i < assetIds.length; i += 1000) {
        const found = await this.deps.db.select({ id: tables.assets.id, mime: tables.assets.mime }).from(tables.assets).where(inArray(tables.assets.id, assetIds.slice(i, i + 1000)));
        for (const a of found) assets.set(a.id, a.mime);
      }
      const zipIsImage = new Map<string, boolean>();
      if (zip) {
        for (const ref of new Set(rows.flatMap((r) => r.photos.filter((p) => p.kind === 'zip').map((p) => p.ref)))) {
          zipIsImage.set(ref, sniffImage(await zip.head(ref)) !== undefined);
        }
      }
      const photosColumn = table.columns.get('photos') ?? 'photos';
      rows = rows.filter((r) => {
        const before = problems.length;
        for (const p of r.photos) {
          if (p.kind === 'asset' && !assets.has(p.ref)) problems.push({ line: r.line, column: photosColumn, code: 'asset_missing', reason: `asset ${p.ref} does not exist` });
          else if (p.kind === 'asset' && !assets.get(p.ref)!.startsWith('image/')) problems.push({ line: r.line, column: photosColumn, code: 'asset_not_image', reason: `asset ${p.ref} is not an image` });
          else if (p.kind === 'zip' && !zipIsImage.get(p.ref)) problems.push({ line: r.line, column: photosColumn, code: 'photo_not_image', reason: `${p.ref} in the ZIP is not a JPEG, PNG, WebP, GIF, TIFF or AVIF image` });
        }
        return problems.length === before;
      });
      problems.sort(byLine);
      const estimate = await this.#estimatePerSku(lines.map((l) => ({ recipe: l.recipe, line: l.line })));
      return {
        plan, rows, problems, zip, estimatePerSku: estimate.milliFen, tasksPerSku: estimate.tasks,
        allRows: table.rows.map((r) => ({
          line: r.line, sku: (r.cells.sku ?? '').trim(), title: (r.cells.title ?? '').trim(), category: (r.cells.category ?? '').trim(),
          photos: (r.cells.photos ?? '').split(/[;|\n]/).map((x) => x.trim()).filter(Boolean),
        })).slice(0, 20_000),
      };
    } catch (e) {
      zip?.close();
      throw e;
    }
  }

  #recipeOf(id: string, i: number): Recipe {
    const recipe = this.deps.recipes.get(id);
    if (!recipe) throw withDetails(new LaunchPlanInvalidError(`recipes.${i}.recipe: recipe "${id}" does not exist`), { field: `recipes.${i}.recipe`, known: [...this.deps.recipes.keys()] });
    if (!this.deps.backends.includes(recipe.backend)) {
      throw withDetails(new LaunchPlanInvalidError(`recipes.${i}.recipe: recipe "${id}" runs on the ${recipe.backend} backend, which this farm does not run (it runs ${this.deps.backends.join(', ')})`), { field: `recipes.${i}.recipe` });
    }
    return recipe;
  }

  /** Price book × expected seconds for one SKU's tasks; null when a recipe is unpriced. */
  async #estimatePerSku(lines: { recipe: Recipe; line: LaunchPlan['recipes'][number] }[]): Promise<{ milliFen: number | null; tasks: number }> {
    let total: number | null = 0;
    let tasks = 0;
    for (const { recipe, line } of lines) {
      const count = recipe.compile({ params: recipe.params.parse(line.params ?? {}), variants: line.variants, seedBase: 0 }).length;
      tasks += count;
      try {
        const routed = await this.deps.router.route({ type: recipe.type, inputs: {}, params: line.params ?? {}, backend: recipe.backend }, recipe);
        if (total !== null) total += routed.perTaskMilliFen * count;
      } catch {
        total = null;
      }
    }
    return { milliFen: total, tasks };
  }

  /** Each distinct ZIP photo becomes an upload asset (content-addressed: the same photo twice is one asset). */
  async #ingestZipPhotos(checked: Checked, by: { createdBy: string | null }): Promise<{ rows: ManifestRow[]; problems: LaunchRowProblem[] }> {
    const { zip } = checked;
    if (!zip) return { rows: checked.rows, problems: checked.problems };
    const assetOf = new Map<string, string | Error>();
    await mkdir(this.deps.spoolDir, { recursive: true });
    for (const ref of new Set(checked.rows.flatMap((r) => r.photos.filter((p) => p.kind === 'zip').map((p) => p.ref)))) {
      const file = path.join(this.deps.spoolDir, `${randomUUID()}.photo`);
      try {
        const bytes = await zip.read(ref);
        await writeFile(file, bytes);
        const asset = await this.deps.uploads.ingest({ file, bytes: bytes.length, sha256: '', filename: path.posix.basename(ref), discard: () => rm(file, { force: true }) }, by);
        assetOf.set(ref, asset.id);
      } catch (e) {
        if ((e as { code?: string }).code === 'SF_LAUNCH_PHOTOS_INVALID') throw e;
        assetOf.set(ref, e as Error);
      } finally {
        await rm(file, { force: true });
      }
    }
    const problems = [...checked.problems];
    const rows = checked.rows.filter((r) => {
      const failed = r.photos.find((p) => p.kind === 'zip' && assetOf.get(p.ref) instanceof Error);
      if (failed) {
        problems.push({ line: r.line, column: 'photos', code: 'photo_not_image', reason: `${failed.ref}: ${(assetOf.get(failed.ref) as Error).message}` });
        return false;
      }
      r.photos = r.photos.map((p) => (p.kind === 'zip' ? { ...p, assetId: assetOf.get(p.ref) as string } : p));
      return true;
    });
    return { rows, problems: problems.sort(byLine) };
  }
}

function parsePlanText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw withDetails(new LaunchPlanInvalidError('the "plan" field is not JSON'), { field: 'plan' });
  }
}

export function parsePlan(raw: unknown): LaunchPlan {
  const parsed = LaunchPlan.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ field: ['plan', ...i.path.map(String)].join('.'), message: i.message }));
  throw withDetails(new LaunchPlanInvalidError(`${fields[0]!.field}: ${fields[0]!.message}`), { fields });
}

/** JSON with sorted keys: the same plan hashes the same however its fields were ordered. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
