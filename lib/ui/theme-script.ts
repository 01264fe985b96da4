/** Inline, before first paint: apply the stored theme so the page never flashes the wrong one. Shared by layout (server) and useTheme (client). */
export const THEME_KEY = 'callboard-theme';

export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem('${THEME_KEY}');var d=t==='dark'||((t!=='light')&&matchMedia('(prefers-color-scheme: dark)').matches);var e=document.documentElement;e.classList.toggle('dark',d);e.style.colorScheme=d?'dark':'light';}catch(_){}})();`;
