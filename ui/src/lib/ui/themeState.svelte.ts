// A reactive stamp of the theme in effect, for parts that read colours from CSS in script
// (the uPlot chart): it changes when the user picks a theme or the system switches.
export const themeState = $state({ stamp: 'system' });

if (typeof window !== 'undefined' && typeof window.matchMedia === 'function') {
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => {
    themeState.stamp = `${themeState.stamp.split(':')[0]}:${e.matches ? 'dark' : 'light'}`;
  });
}
