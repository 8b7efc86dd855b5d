import { OpenApiBuilder, type OpenAPIObject, type ParameterObject, type SchemaObject } from 'openapi3-ts/oas31'

import { batchBodySchema, batchResponseSchema, errorResponseSchema, stateQuerySchema, stateResponseSchema } from './schemas.js'

/** Builds the OpenAPI 3.1 document of the service from the request and response schemas. */
export function buildOpenApiDocument(version: string): OpenAPIObject {
  const schema = (value: unknown) => value as SchemaObject
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
  })

  return OpenApiBuilder.create()
    .addTitle('Hathor nano-contract state')
    .addVersion(version)
    .addDescription('The state of a nano contract (fields, balances, view calls) at any block, answered as a Hathor full node answers `GET /v1a/nano_contract/state`, plus a batch endpoint for many heights at once.')
    .addSchema('StateResponse', schema(stateResponseSchema))
    .addSchema('BatchRequest', schema(batchBodySchema))
    .addSchema('BatchResponse', schema(batchResponseSchema))
    .addSchema('ErrorResponse', schema(errorResponseSchema))
    .addPath('/v1a/nano_contract/state', {
      get: {
        operationId: 'getNanoContractState',
        summary: 'State of a nano contract at one block',
        parameters: stateQueryParameters(),
        responses: {
          200: { description: 'The snapshot.', content: { 'application/json': { schema: { $ref: '#/components/schemas/StateResponse' } } } },
          400: errorResponse('Invalid parameter, or no block matches the selector.'),
          404: errorResponse('The contract does not exist at the block, the block is unknown, or every candidate block is voided.'),
          500: errorResponse('The node storage could not be read.'),
        },
      },
    })
    .addPath('/v1a/nano_contract/state/batch', {
      post: {
        operationId: 'getNanoContractStateBatch',
        summary: 'State of a nano contract at up to 100 heights',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchRequest' } } } },
        responses: {
          200: { description: 'One snapshot per height that succeeded, in request order; the others in `errors`.', content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchResponse' } } } },
          400: errorResponse('Invalid body.'),
          413: errorResponse('Body over the size limit.'),
          500: errorResponse('The node storage could not be read.'),
        },
      },
    })
    .getSpec()
}

function stateQueryParameters(): ParameterObject[] {
  const required = new Set<string>(stateQuerySchema.required)
  return Object.entries(stateQuerySchema.properties).map(([name, property]) => {
    const { description, ...rest } = property as { description: string }
    return {
      name,
      in: 'query',
      required: required.has(name),
      description,
      schema: rest as SchemaObject,
      ...(name.endsWith('[]') ? { style: 'form', explode: true } : {}),
    } satisfies ParameterObject
  })
}
