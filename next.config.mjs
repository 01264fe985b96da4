/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run typecheck` (tsc over the whole project, server and tests too) is the type check, first in `npm test`;
  // the build checking the pages again cost CI 40 s for nothing new.
  typescript: { ignoreBuildErrors: true },
  // The custom server (server/index.ts) hosts socket.io on the same port,
  // so Next must not try to own the whole HTTP server.
};

export default nextConfig;
