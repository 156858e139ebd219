/** One worker process of the Redis scenario: prints its LoadResult as JSON. */
import { benchPolicy, runLoad } from "./load.js"

const args = JSON.parse(process.argv[2]) as {
  baseUrl: string
  n: number
  offset: number
  limit: number
  windowMs: number
  read: number
  write: number
  redisUrl: string
  prefix: string
}

// prints a "ready" line once built, then starts at the instant the orchestrator writes on stdin
const ready = () => {
  process.stdout.write(JSON.stringify({ ready: true }) + "\n")
  return new Promise<number>((resolve) => {
    let data = ""
    process.stdin.on("data", (chunk) => {
      data += chunk
      const line = data.indexOf("\n")
      if (line >= 0) resolve(Number(data.slice(0, line)))
    })
  })
}

// a warm-up first (its own key prefix), so that the measured run does not pay for the JIT
const warmUp = () =>
  runLoad({
    baseUrl: args.baseUrl,
    n: 100,
    offset: args.offset,
    policy: benchPolicy(args.limit, args.windowMs, args.read, args.write),
    redis: { url: args.redisUrl, prefix: `${args.prefix}:warm-up` }
  })

warmUp().then(() =>
  runLoad({
    baseUrl: args.baseUrl,
    n: args.n,
    offset: args.offset,
    policy: benchPolicy(args.limit, args.windowMs, args.read, args.write),
    redis: { url: args.redisUrl, prefix: args.prefix },
    ready
  })
).then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + "\n")
    process.exit(0)
  },
  (error) => {
    process.stderr.write(String(error) + "\n")
    process.exit(1)
  }
)
