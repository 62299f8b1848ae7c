import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { TypedEmitter } from '../util/typed-emitter.js';

/** One device this browser is paired with. The secret never leaves the two browsers. */
export interface PairedDevice {
  /** Where the two meet: SHA-256 of the secret (`rendezvousOf`); also the record's key. */
  rendezvous: string;
  /** The pair secret, base64url (`derivePairSecret`). */
  secret: string;
  /** The name the other device gave when pairing; the user may rename it (a local label). */
  label: string;
  pairedAt: number;
}

/** Where paired devices are kept: IndexedDB in a browser, memory in tests. */
export interface PairedDeviceStore {
  list(): Promise<PairedDevice[]>;
  put(device: PairedDevice): Promise<void>;
  remove(rendezvous: string): Promise<void>;
}

export class MemoryPairedDeviceStore implements PairedDeviceStore {
  private readonly devices = new Map<string, PairedDevice>();
  async list(): Promise<PairedDevice[]> {
    return [...this.devices.values()];
  }
  async put(device: PairedDevice): Promise<void> {
    this.devices.set(device.rendezvous, device);
  }
  async remove(rendezvous: string): Promise<void> {
    this.devices.delete(rendezvous);
  }
}

export const PAIRED_DEVICES_DB_NAME = 'kopru-devices';
const PAIRED_DEVICES_DB_VERSION = 1;

interface DevicesDb extends DBSchema {
  devices: { key: string; value: PairedDevice };
}

/** `PairedDeviceStore` in IndexedDB (through `idb`), opened on first use. */
export class IdbPairedDeviceStore implements PairedDeviceStore {
  private db: Promise<IDBPDatabase<DevicesDb>> | undefined;

  constructor(private readonly name: string = PAIRED_DEVICES_DB_NAME) {}

  async list(): Promise<PairedDevice[]> {
    return (await this.open()).getAll('devices');
  }
  async put(device: PairedDevice): Promise<void> {
    await (await this.open()).put('devices', device);
  }
  async remove(rendezvous: string): Promise<void> {
    await (await this.open()).delete('devices', rendezvous);
  }

  private open(): Promise<IDBPDatabase<DevicesDb>> {
    this.db ??= openDB<DevicesDb>(this.name, PAIRED_DEVICES_DB_VERSION, {
      upgrade(db) {
        db.createObjectStore('devices', { keyPath: 'rendezvous' });
      },
    });
    return this.db;
  }
}

/**
 * A browser holds at most this many pairs: each is a connection to the server of its own while the home
 * screen is open, and "Your devices" is a person's phone, laptop and tablet, not an address book.
 */
export const MAX_PAIRED_DEVICES = 16;

export type PairedDevicesEvents = {
  /** `local`: changed through this object; `store`: read again from the store (another tab changed it). */
  changed: { devices: readonly PairedDevice[]; source: 'local' | 'store' };
};

/** The paired devices of this browser, in pairing order, for the UI: loads once, then follows its own changes. */
export class PairedDevices extends TypedEmitter<PairedDevicesEvents> {
  private devices: readonly PairedDevice[] = [];
  private loaded: Promise<void> | undefined;

  constructor(private readonly store: PairedDeviceStore) {
    super();
  }

  get list(): readonly PairedDevice[] {
    return this.devices;
  }

  load(): Promise<void> {
    this.loaded ??= this.store.list().then((devices) => this.set(devices, 'store'));
    return this.loaded;
  }

  /** Reads the store again (another tab of the browser paired or forgot a device). */
  refresh(): Promise<void> {
    this.loaded = this.store.list().then((devices) => this.set(devices, 'store'));
    return this.loaded;
  }

  /** Keeps a new pair (or replaces one with the same rendezvous). False when MAX_PAIRED_DEVICES are kept. */
  async add(device: PairedDevice): Promise<boolean> {
    await this.load();
    const others = this.devices.filter((d) => d.rendezvous !== device.rendezvous);
    if (others.length >= MAX_PAIRED_DEVICES) return false;
    await this.store.put(device);
    this.set([...others, device]);
    return true;
  }

  async rename(rendezvous: string, label: string): Promise<void> {
    await this.load();
    const device = this.devices.find((d) => d.rendezvous === rendezvous);
    if (!device) return;
    const renamed = { ...device, label };
    await this.store.put(renamed);
    this.set(this.devices.map((d) => (d.rendezvous === rendezvous ? renamed : d)));
  }

  /** Forgets a pair here (idempotent); telling the other device is the caller's part. */
  async remove(rendezvous: string): Promise<void> {
    await this.load();
    await this.store.remove(rendezvous);
    this.set(this.devices.filter((d) => d.rendezvous !== rendezvous));
  }

  private set(devices: readonly PairedDevice[], source: 'local' | 'store' = 'local'): void {
    this.devices = [...devices].sort((a, b) => a.pairedAt - b.pairedAt);
    this.emit('changed', { devices: this.devices, source });
  }
}
