/**
 * The loopback portal (`server.ts`) in a process of its own, for the scripts run with tsx (`ops.ts`, `layers.ts`):
 * its CPU is never the client's.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const startPortal = async (): Promise<{ readonly base: string; readonly stop: () => void }> => {
  const server = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("server.ts", import.meta.url))], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  const port = await new Promise<number>((resolve) =>
    server.stdout.once("data", (line) => resolve((JSON.parse(String(line)) as { port: number }).port))
  )
  return { base: `http://127.0.0.1:${port}`, stop: () => server.kill() }
}
