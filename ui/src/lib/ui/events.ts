/** A window event: the data the app shows changed as a whole (the demo was loaded), so parts
 *  that read it once, such as the tracking badge, read it again. */
export const DATA_CHANGED = 'mast:data-changed';
