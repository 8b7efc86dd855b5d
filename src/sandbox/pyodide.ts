import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import { loadPyodide, type PyodideInterface } from 'pyodide'

import { packageRoot } from '../package-root.js'
import { SandboxError } from './errors.js'

export type { PyodideInterface }

/** Folder of our Python packages (`hathor`, `ncsandbox`) in Pyodide's file system. */
const PYTHON_HOME = '/nc-sandbox'

/** Folder holding the sandbox's Python packages, in the source tree. */
export function pythonSourceDir(): string {
  return path.join(packageRoot(), 'src', 'sandbox', 'python')
}

function listPythonFiles(dir: string, prefix = ''): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry)
    const relative = prefix === '' ? entry : `${prefix}/${entry}`
    if (statSync(full).isDirectory()) {
      if (entry !== '__pycache__') files.push(...listPythonFiles(full, relative))
    } else if (entry.endsWith('.py')) {
      files.push(relative)
    }
  }
  return files
}

/** Copies the sandbox's Python packages into Pyodide's file system and puts them on `sys.path`. */
export function installPythonPackages(py: PyodideInterface, sourceDir: string = pythonSourceDir()): void {
  for (const relative of listPythonFiles(sourceDir)) {
    const target = `${PYTHON_HOME}/${relative}`
    py.FS.mkdirTree(path.posix.dirname(target))
    py.FS.writeFile(target, readFileSync(path.join(sourceDir, relative), 'utf8'))
  }
  py.runPython(`import sys\nif ${JSON.stringify(PYTHON_HOME)} not in sys.path: sys.path.insert(0, ${JSON.stringify(PYTHON_HOME)})`)
}

/**
 * Starts a Pyodide interpreter from the installed `pyodide` package (no network) with our Python
 * packages installed. Takes a few seconds; most callers want `getSandboxPyodide()` instead.
 */
export async function createSandboxPyodide(): Promise<PyodideInterface> {
  const require = createRequire(import.meta.url)
  const indexURL = path.dirname(require.resolve('pyodide/package.json'))
  let py: PyodideInterface
  try {
    // Python's `js` module gets an empty object, so Python code cannot reach Node's globals through it.
    py = await loadPyodide({ indexURL, jsglobals: {}, stdout: () => {}, stderr: () => {} })
  } catch (error) {
    throw new SandboxError('NC_SANDBOX_FAILED', `Pyodide failed to load from ${indexURL}: ${String(error)}`, { indexURL }, { cause: error })
  }
  installPythonPackages(py)
  py.runPython('import ncsandbox.host')
  return py
}

let shared: Promise<PyodideInterface> | undefined

/** Returns this thread's shared interpreter, starting it on first use. */
export function getSandboxPyodide(): Promise<PyodideInterface> {
  if (shared === undefined) {
    shared = createSandboxPyodide()
    // A failed start is not cached, so a later call can try again.
    shared.catch(() => { shared = undefined })
  }
  return shared
}
