/**
 * In the browser, zod must not compile parsers with `new Function`: the page's
 * CSP has no 'unsafe-eval', and even zod's caught probe for it is reported as
 * a CSP violation. Imported before any schema is made (lib/actions.ts). The
 * server keeps the faster compiled parsers.
 */
import { z } from 'zod';

if (typeof window !== 'undefined') z.config({ jitless: true });
