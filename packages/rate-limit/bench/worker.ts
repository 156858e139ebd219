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
  startAt: number
}

runLoad({
  baseUrl: args.baseUrl,
  n: args.n,
  offset: args.offset,
  policy: benchPolicy(args.limit, args.windowMs, args.read, args.write),
  redis: { url: args.redisUrl, prefix: args.prefix },
  startAt: args.startAt
}).then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + "\n")
    process.exit(0)
  },
  (error) => {
    process.stderr.write(String(error) + "\n")
    process.exit(1)
  }
)
