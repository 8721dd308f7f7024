/** Showing an MFA enrolment: pure helpers. */

/** The secret in groups of four, easier to type into an app by hand ("JBSW Y3DP EHPK 3PXP"). */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The server's QR SVG as an image address. Shown in an <img>, not inserted into the page: an image cannot
 * run scripts, whatever the SVG holds.
 */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
