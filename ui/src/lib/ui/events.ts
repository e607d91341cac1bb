/** A window event: the data the app shows may have changed (the tracker wrote, a `mast`
 *  process did, tracking was paused or resumed, the demo was switched on or off), so views
 *  that show it read it again. App.svelte dispatches it for the backend's `onDataChanged`. */
export const DATA_CHANGED = 'mast:data-changed';
