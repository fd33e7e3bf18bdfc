import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Response } from 'supertest';
import { controllers } from '../../src/app';
import type { ContractChecker, Exchange } from './contract';

// The generator, ajv and the YAML parser load with the first check, not with every mocha process
// (specs spawn nested ones).
const load = {
  contract: () => require('./contract') as typeof import('./contract'),
  document: () => require('../../src/http/openapi/document') as typeof import('../../src/http/openapi/document'),
  yaml: () => require('yaml') as typeof import('yaml'),
};

/** The RealWorld contract, beside the repository (as in CI); the check is skipped without it. */
export const REALWORLD_CONTRACT_PATH = resolve(__dirname, '../../../shared/realworld/openapi.yml');

let ours: ContractChecker | undefined;
let realWorld: ContractChecker | null | undefined;

/** Our generated document (the one GET /openapi.json serves), strictly. */
export function ourContract(): ContractChecker {
  ours ??= new (load.contract().ContractChecker)(load.document().buildOpenApiDocument(controllers) as never, {
    mode: 'strict',
  });
  return ours;
}

/** The RealWorld contract, for the paths and statuses it shares with ours; null when absent. */
export function realWorldContract(): ContractChecker | null {
  if (realWorld === undefined) {
    realWorld = existsSync(REALWORLD_CONTRACT_PATH)
      ? new (load.contract().ContractChecker)(loadRealWorldContract(REALWORLD_CONTRACT_PATH), {
          mode: 'shared',
          pathPrefix: '/api',
        })
      : null;
    if (!realWorld) {
      console.log(`  (RealWorld contract check skipped: ${REALWORLD_CONTRACT_PATH} is absent)`);
    }
  }
  return realWorld;
}

/**
 * The RealWorld OpenAPI file, with its one disagreement with the RealWorld API docs settled as the
 * docs have it: `bio` and `image` of a user and a profile are null when not set (the docs' own
 * examples show `"bio": null`), where the OpenAPI file says plain strings.
 */
export function loadRealWorldContract(path: string) {
  const document = load.yaml().parse(readFileSync(path, 'utf8'));
  for (const name of ['User', 'Profile']) {
    const properties = document.components?.schemas?.[name]?.properties ?? {};
    for (const field of ['bio', 'image']) {
      if (properties[field]?.type === 'string') properties[field] = { ...properties[field], type: ['string', 'null'] };
    }
  }
  return document;
}

/** What a supertest response becomes for the checks. */
export function exchangeOf(method: string, url: string, response: Response): Exchange {
  const contentType = String(response.headers['content-type'] ?? '');
  const size = Number(response.headers['content-length'] ?? Buffer.byteLength(response.text ?? ''));
  return {
    method: method.toUpperCase(),
    path: new URL(url, 'http://spec.local').pathname,
    status: response.status,
    contentType,
    json: /json/.test(contentType) ? response.body : undefined,
    size: Number.isNaN(size) ? 0 : size,
  };
}

const violations: string[] = [];

/** Checks one response against both contracts; problems are kept for `takeContractViolations`. */
export function checkResponse(exchange: Exchange): void {
  violations.push(
    ...ourContract()
      .check(exchange)
      .map((problem) => `OpenAPI (ours): ${problem}`),
  );
  const shared = realWorldContract();
  if (shared) violations.push(...shared.check(exchange).map((problem) => `RealWorld contract: ${problem}`));
}

/** The problems found since the last call (the root hooks fail the spec that caused them). */
export function takeContractViolations(): string[] {
  return violations.splice(0, violations.length);
}
