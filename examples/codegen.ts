// GraphQL Code Generator config for typed fascicolo clients.
//
// Run it from this directory (examples/): every path below is relative to it.
//   cd examples && npm install && npm run codegen && npm run typecheck
//
// It reads the committed schema and the operations in operations/, and writes typed
// documents (TypedDocumentNode) and their result/variable types to generated/.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Fail on any scalar not listed here, so a new server scalar is a build error
        // rather than a silent `any`.
        strictScalars: true,
        scalars: {
          // YYYY-MM-DD
          Date: 'string',
          // RFC 3339 with offset, e.g. 2026-01-15T09:30:00+00:00
          DateTime: 'string',
          // ISO 8601 date-time without offset, e.g. 2018-04-27T17:03:46
          NaiveDateTime: 'string',
          // 16-character codice fiscale, uppercase (the server also accepts lowercase input)
          FiscalCode: 'string',
          // any JSON value (exportCitizenData)
          JSON: 'unknown',
          // a file part of a GraphQL multipart request
          Upload: 'File',
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
