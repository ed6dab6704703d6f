/** How the gateway benchmarks print numbers: milliseconds to 2 decimals below 10, ratios as `1.5×`. */

export function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–';
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)}×` : '–';
}
