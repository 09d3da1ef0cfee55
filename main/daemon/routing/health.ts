/** What `GET /api/routing` tells about one provider. Kept across reloads, by provider name. */
export interface ProviderHealth {
  requests: number;
  errors: number;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
}

export class HealthBook {
  private readonly byName = new Map<string, ProviderHealth>();

  constructor(private readonly now: () => number) {}

  get(name: string): ProviderHealth {
    let health = this.byName.get(name);
    if (!health) {
      health = { requests: 0, errors: 0, lastSuccessAt: null, lastErrorAt: null, lastError: null };
      this.byName.set(name, health);
    }
    return health;
  }

  success(name: string): void {
    const h = this.get(name);
    h.requests++;
    h.lastSuccessAt = this.now();
  }

  failure(name: string, message: string): void {
    const h = this.get(name);
    h.requests++;
    h.errors++;
    h.lastErrorAt = this.now();
    h.lastError = message;
  }
}
