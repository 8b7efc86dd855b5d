import type { BlueprintDescription } from '../encoding/nc-type/descriptor.js'

import { BlueprintRejectedError, type BlueprintCheck, SandboxError } from './errors.js'
import { getSandboxPyodide, type PyodideInterface } from './pyodide.js'

type DescribeResult =
  | { ok: true; description: BlueprintDescription }
  | { ok: false; check: BlueprintCheck; reason: string }

/**
 * Loads blueprint code in `py` as the node loads on-chain code and derives its description,
 * throwing BlueprintRejectedError when the node would reject the code.
 */
export function describeWithPyodide(py: PyodideInterface, source: string, blueprintId: string): BlueprintDescription {
  const host = py.pyimport('ncsandbox.host')
  let json: string
  try {
    json = host.describe_source(blueprintId, source) as string
  } catch (error) {
    throw new SandboxError('NC_SANDBOX_FAILED', `describing blueprint ${blueprintId} failed inside the sandbox: ${String(error)}`, { blueprintId }, { cause: error })
  } finally {
    host.destroy()
  }

  const result = JSON.parse(json) as DescribeResult
  if (!result.ok) throw new BlueprintRejectedError(blueprintId, result.check, result.reason)
  return result.description
}

const descriptions = new Map<string, Promise<BlueprintDescription>>()

/**
 * Describes a blueprint (class name, fields, methods) from its Python source, running the code in
 * this thread's shared Pyodide. Results, rejections included, are cached per blueprint id, since
 * a blueprint id names immutable code.
 */
export function describeBlueprint(source: string, blueprintId: string): Promise<BlueprintDescription> {
  let description = descriptions.get(blueprintId)
  if (description === undefined) {
    description = getSandboxPyodide().then((py) => describeWithPyodide(py, source, blueprintId))
    descriptions.set(blueprintId, description)
    // A sandbox failure may be transient, so only a verdict on the code itself stays cached.
    description.catch((error: unknown) => {
      if (!(error instanceof BlueprintRejectedError)) descriptions.delete(blueprintId)
    })
  }
  return description
}
