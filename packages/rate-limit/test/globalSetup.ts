import { spawn, spawnSync } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as net from "node:net"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:PORT` of the redis-server started for this run, or "" when there is none. */
    readonly redisUrl: string
    readonly redisSkipReason: string
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const ping = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once("error", () => done(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")))
  })

/**
 * Starts a throw-away `redis-server` on a free loopback port for the Redis tests, and stops it at teardown. Without
 * the binary the Redis tests are skipped with a message, except under `CI=true`, where that is a failure.
 */
export default async function setup(project: TestProject) {
  const skip = (reason: string) => {
    if (process.env.CI === "true") throw new Error(`[rate-limit] CI=true but ${reason}`)
    console.warn(`[rate-limit] skipping the Redis tests: ${reason}`)
    project.provide("redisUrl", "")
    project.provide("redisSkipReason", reason)
  }
  // a server started for us (CI's .ci/run starts one and exports REDIS_URL)
  const given = process.env.REDIS_URL
  if (given !== undefined && given !== "") {
    const port = Number(new URL(given).port || 6379)
    if (!(await ping(port))) {
      skip(`REDIS_URL=${given} does not answer PING`)
      return
    }
    project.provide("redisUrl", given)
    project.provide("redisSkipReason", "")
    return
  }
  const which = spawnSync("redis-server", ["--version"], { stdio: "ignore" })
  if (which.error !== undefined || which.status !== 0) {
    skip("the redis-server binary is not installed (apt-get install redis-server)")
    return
  }
  let child: ChildProcess | undefined
  let port = 0
  for (let tries = 0; tries < 3 && child === undefined; tries++) {
    port = await freePort()
    const candidate = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" }
    )
    const deadline = Date.now() + 5000
    let up = false
    while (!up && Date.now() < deadline && candidate.exitCode === null) {
      up = await ping(port)
      if (!up) await new Promise((r) => setTimeout(r, 50))
    }
    if (up) child = candidate
    else candidate.kill("SIGKILL")
  }
  if (child === undefined) {
    skip("redis-server did not start")
    return
  }
  const url = `redis://127.0.0.1:${port}`
  process.env.REDIS_URL = url
  project.provide("redisUrl", url)
  project.provide("redisSkipReason", "")
  const running = child
  return async () => {
    running.kill("SIGTERM")
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        running.kill("SIGKILL")
        resolve()
      }, 2000)
      running.once("exit", () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}
