// Types of scripts/bootstrap-lib.mjs (plain JS, so that it runs before packages are installed).
export function parsePackageManager(field: unknown): { name: string; version: string };
export function parseVersion(v: string): [number, number, number];
export function versionAtLeast(v: string, min: string): boolean;
export function searchDirs(pathEnv: string | undefined, extra?: string[], delimiter?: string): string[];
export function findProgram(name: string, dirs: readonly string[]): string | undefined;
export function missingPrograms(names: readonly string[], dirs: readonly string[]): string[];
export function postgresBinDirs(root?: string): string[];
export const SYSTEM_PACKAGES: Record<string, { apt: string; brew: string }>;
export type InstallPlan =
  | { kind: 'none' }
  | { kind: 'apt'; sudo: boolean; packages: string[] }
  | { kind: 'manual'; command: string };
export function installPlan(opts: { missing: string[]; platform: string; isRoot: boolean; hasApt: boolean; canSudo: boolean }): InstallPlan;
export function parseWorkspacePackages(yamlText: string): string[];
export function expandWorkspacePatterns(root: string, patterns: readonly string[]): string[];
export function listFiles(root: string, dir: string, skipNames?: ReadonlySet<string>): string[];
export function hashFiles(root: string, relPaths: readonly string[], extra?: readonly string[]): string;
export function pnpmVersionFromInstall(realBinPath: string): string | undefined;
