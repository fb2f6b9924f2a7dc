/** The product's version, reported by `GET /unit-economics/health`. */
export const VERSION = "0.1.0";
