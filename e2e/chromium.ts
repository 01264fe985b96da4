/**
 * How every browser here is launched: Debian's Chromium (Playwright's own
 * download cannot work on these machines), with the flags that keep it from
 * reaching the network or doing background work while it is measured.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
