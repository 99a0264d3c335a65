/** The runtime's version; generated code must come from the same compiler version. */
export const VERSION = "0.1.0";
