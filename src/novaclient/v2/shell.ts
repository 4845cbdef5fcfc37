/**
 * @module
 * Port of the part of `novaclient/v2/shell.py` (python-novaclient 3.3.0) the flow uses:
 * `do_volume_update` and `_find_server`.
 *
 * Ours (marked): `delete_on_termination` (18.1.0's `--[no-]delete-on-termination`, 2.85+).
 * Left out: the other ~200 `do_*` commands.
 */
import { layerSpan } from '../../telemetry/layer-span.js';
import type { Resource } from '../base.js';
import { find_resource } from '../utils.js';
import type { HTTPClient, SessionClient } from '../client.js';
import type { Client } from './client.js';

/** Either road's client: the subcommand only uses the managers. */
type AnyClient = Client<HTTPClient> | Client<SessionClient>;

/** The parsed arguments of `volume-update` (argparse dests of 3.3.0). */
export interface VolumeUpdateArgs {
  server: string;
  attachment_id: string;
  new_volume: string;
  /** Ours (2.85+): true/false when a flag was given, else null. */
  delete_on_termination?: boolean | null;
}

/**
 * A server by name or id.
 * @see novaclient/v2/shell.py _find_server
 */
export function _find_server(cs: AnyClient, server: string): Promise<Resource> {
  return layerSpan('_find_server', { 'novaclient.server': server }, () =>
    find_resource(cs.servers, server)
  );
}

/**
 * Update volume attachment: finds the server, then asks Nova to replace the attached volume
 * `attachment_id` with `new_volume`.
 * @see novaclient/v2/shell.py do_volume_update
 */
export function do_volume_update(cs: AnyClient, args: VolumeUpdateArgs): Promise<void> {
  return layerSpan(
    'do_volume_update',
    {
      'novaclient.server': args.server,
      'novaclient.attachment_id': args.attachment_id,
      'novaclient.new_volume': args.new_volume,
    },
    async () => {
      const server = await _find_server(cs, args.server);
      await cs.volumes.update_server_volume(
        String(server.id),
        args.attachment_id,
        args.new_volume,
        args.delete_on_termination ?? null
      );
    }
  );
}
