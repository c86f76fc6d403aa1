/** A ratio as the percentage people write in a threshold: 0.05 -> "5%". */
export function percent(ratio: number): string {
    return `${+(ratio * 100).toFixed(2)}%`;
}

/** Seconds as milliseconds: 0.5 -> "500ms". */
export function millis(seconds: number): string {
    return `${+(seconds * 1000).toFixed(1)}ms`;
}
