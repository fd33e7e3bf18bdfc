import type { OpenAPIObject } from 'openapi3-ts';

/** An app's OpenAPI document, generated on first use and then served from the cached text. */
export class ApiDocument {
  private text?: string;

  constructor(private readonly build: () => OpenAPIObject) {}

  toJson(): string {
    this.text ??= JSON.stringify(this.build());
    return this.text;
  }
}
