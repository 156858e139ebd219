/**
 * `pnpm fake`: the `docspace-fake` bin (`src/internal/cli.ts`) run from the sources; see there for the environment
 * variables (PORT, FAKE_SEED, FAKE_LIMITS, FAKE_TIME_SCALE, FAKE_FAULT_RATE, FAKE_FAULT_SEED, FAKE_FAULTS).
 */
import "../src/internal/cli.js"
