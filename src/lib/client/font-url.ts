/** Where the notice font is served (cached for printing offline as the app unlocks). */
export const FONT_URL = '/fonts/wqy-microhei-subset.ttf';
