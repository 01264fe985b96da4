/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/index.ts) hosts socket.io on the same port,
  // so Next must not try to own the whole HTTP server.
};

export default nextConfig;
