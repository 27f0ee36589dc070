/**
 * The record API benchmark's server: `accord serve` itself (configuration from the environment: DATABASE_URL or
 * ACCORD_DATA_DIR, HOST, PORT), in a process of its own so the load generator's CPU is not the server's, and so it
 * can run under `node --cpu-prof`. Stops cleanly on SIGTERM, which writes the profile.
 */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(['serve']);
