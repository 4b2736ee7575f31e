import type { TokenUsage } from './facts.js';

/**
 * The file `cw export` writes as FILE.sessions.json, and `cw import --from` reads on another
 * machine: the sessions for people, and every message of them as the ledger holds it (its
 * identity, usage and the cost that stood for it), so that the other history can add each message
 * once. `format` names the file; `schemaVersion` (docs/json-output.md) grows when a field changes.
 */
export const MACHINE_EXPORT_FORMAT = 'claudewatch-sessions';

export interface ExportedMessage {
  messageId: string;
  requestId: string | null;
  claudeSessionId: string | null;
  /** The machine it was recorded on: the exporting one, or one whose export it was imported from. */
  machine: string;
  cwd: string | null;
  model: string;
  at: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheCreation5mTokens: number | null;
  cacheCreation1hTokens: number | null;
  cacheReadTokens: number;
  /** The cost that stood for it there (Claude's own figure shared out, or the price table's). */
  costUsd: number;
  computedCostUsd: number;
  priced: boolean;
  sidechain: boolean;
  answersPrompt: boolean;
}

/** A message read back from an export, checked and in the ledger's units: its time in ms, its usage as one. */
export interface ImportedMessage
  extends Omit<ExportedMessage, 'at' | 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheCreation5mTokens' | 'cacheCreation1hTokens' | 'cacheReadTokens'> {
  at: number;
  usage: TokenUsage;
}

export interface MachineExport {
  machine: string;
  messages: ImportedMessage[];
}

/** Longer machine names are refused: a label, not a document. */
const MAX_MACHINE_NAME = 200;

/**
 * Reads a parsed FILE.sessions.json, or says in one line what is wrong with it: the whole file or
 * nothing, so a bad file never half-imports. `machine` overrides the name the file gives.
 */
export function readMachineExport(document: unknown, options: { machine?: string } = {}): MachineExport {
  if (Array.isArray(document)) {
    throw new Error('it was written by an older cw export, which did not include the messages; export it again with this version');
  }
  if (!isObject(document) || document.format !== MACHINE_EXPORT_FORMAT) throw new Error('it is not a FILE.sessions.json written by cw export');
  if (document.schemaVersion !== 1) throw new Error(`it has schemaVersion ${JSON.stringify(document.schemaVersion)}; this version reads 1`);
  const machine = options.machine ?? document.machine;
  checkMachine(machine, options.machine === undefined ? '"machine"' : '--machine');
  if (!Array.isArray(document.messages)) throw new Error('"messages" is missing or not a list');
  const messages = document.messages.map((item: unknown, index) => {
    try {
      return readMessage(item, options.machine ?? null);
    } catch (error) {
      throw new Error(`message ${index + 1}: ${(error as Error).message}`, { cause: error });
    }
  });
  return { machine, messages };
}

function readMessage(item: unknown, machineOverride: string | null): ImportedMessage {
  if (!isObject(item)) throw new Error('not an object');
  const at = Date.parse(text(item, 'at'));
  if (!Number.isFinite(at)) throw new Error('"at" is not a time');
  const machine = machineOverride ?? text(item, 'machine');
  checkMachine(machine, '"machine"');
  const usage: TokenUsage = {
    inputTokens: count(item, 'inputTokens'),
    outputTokens: count(item, 'outputTokens'),
    cacheCreationTokens: count(item, 'cacheCreationTokens'),
    cacheReadTokens: count(item, 'cacheReadTokens'),
  };
  const fiveMinutes = optionalCount(item, 'cacheCreation5mTokens');
  const oneHour = optionalCount(item, 'cacheCreation1hTokens');
  if (fiveMinutes !== null) usage.cacheCreation5mTokens = fiveMinutes;
  if (oneHour !== null) usage.cacheCreation1hTokens = oneHour;
  return {
    messageId: text(item, 'messageId'),
    requestId: optionalText(item, 'requestId'),
    claudeSessionId: optionalText(item, 'claudeSessionId'),
    machine,
    cwd: optionalText(item, 'cwd'),
    model: text(item, 'model'),
    at,
    usage,
    costUsd: dollars(item, 'costUsd'),
    computedCostUsd: dollars(item, 'computedCostUsd'),
    priced: flag(item, 'priced'),
    sidechain: flag(item, 'sidechain'),
    answersPrompt: flag(item, 'answersPrompt'),
  };
}

function checkMachine(machine: unknown, what: string): asserts machine is string {
  if (typeof machine !== 'string' || machine.trim() === '' || machine.length > MAX_MACHINE_NAME) {
    throw new Error(`${what} must name the machine (1 to ${MAX_MACHINE_NAME} characters)`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(item: Record<string, unknown>, key: string): string {
  const value = item[key];
  if (typeof value !== 'string' || value === '') throw new Error(`"${key}" is not a non-empty string`);
  return value;
}

function optionalText(item: Record<string, unknown>, key: string): string | null {
  return item[key] === null || item[key] === undefined ? null : text(item, key);
}

function count(item: Record<string, unknown>, key: string): number {
  const value = item[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`"${key}" is not a whole number of tokens`);
  return value;
}

function optionalCount(item: Record<string, unknown>, key: string): number | null {
  return item[key] === null || item[key] === undefined ? null : count(item, key);
}

function dollars(item: Record<string, unknown>, key: string): number {
  const value = item[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`"${key}" is not an amount of dollars`);
  return value;
}

function flag(item: Record<string, unknown>, key: string): boolean {
  const value = item[key];
  if (typeof value !== 'boolean') throw new Error(`"${key}" is not true or false`);
  return value;
}
