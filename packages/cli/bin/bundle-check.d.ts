/** Types of bundle-check.js (plain JavaScript: it runs before tsx is loaded). */
export function freshBundle(dir?: string): { entry: string | null; reason: string | null };
