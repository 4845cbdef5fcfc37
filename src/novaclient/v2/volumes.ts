/**
 * @module
 * Port of the part of `novaclient/v2/volumes.py` (python-novaclient 3.3.0) the flow uses:
 * `Volume` and `VolumeManager.update_server_volume`.
 *
 * Ours (marked): today's `delete_on_termination`, sent only from microversion 2.85 and only
 * when given (python-novaclient 18.1.0's versioned method).
 * Left out: the other volume-attachment calls (create/get/list/delete_server_volume).
 */
import { layerSpan } from '../../telemetry/layer-span.js';
import { APIVersion } from '../api_versions.js';
import { Manager, Resource, type ManagerApi, type StrWithMeta } from '../base.js';

/** A volume attachment answer. @see novaclient/v2/volumes.py Volume */
export class Volume extends Resource {
  static override readonly NAME_ATTR: string = 'display_name';
}

/** The API a VolumeManager needs: the HTTP client and the microversion. */
export interface VolumeApi extends ManagerApi {
  readonly api_version: APIVersion;
}

/** @see novaclient/v2/volumes.py VolumeManager */
export class VolumeManager extends Manager {
  override resource_class = Volume;
  declare readonly api: VolumeApi;

  constructor(api: VolumeApi) {
    super(api);
  }

  /**
   * PUTs `{"volumeAttachment": {"volumeId": <new volume>}}` to
   * `/servers/<server>/os-volume_attachments/<attached volume>`; Nova swaps the volumes (or,
   * from 2.85 with the same id twice, only updates `delete_on_termination`).
   * @param server_id the server's id
   * @param attachment_id the id of the volume attached now (3.3.0's name for it)
   * @param new_volume_id the volume to attach instead
   * @param delete_on_termination ours: 2.85+ only; ignored when undefined/null
   * @see novaclient/v2/volumes.py VolumeManager.update_server_volume
   */
  update_server_volume(
    server_id: string,
    attachment_id: string,
    new_volume_id: string,
    delete_on_termination: boolean | null = null
  ): Promise<Resource | StrWithMeta> {
    return layerSpan(
      'VolumeManager.update_server_volume',
      () => ({
        'novaclient.server_id': server_id,
        'novaclient.attachment_id': attachment_id,
        'novaclient.new_volume_id': new_volume_id,
        ...(delete_on_termination === null
          ? {}
          : { 'novaclient.delete_on_termination': delete_on_termination }),
      }),
      () => {
        const attachment: Record<string, unknown> = { volumeId: new_volume_id };
        // Ours (18.1.0's 2.85 variant): the flag is only part of the body from 2.85.
        if (
          delete_on_termination !== null &&
          this.api.api_version.compare(new APIVersion('2.85')) >= 0
        ) {
          attachment['delete_on_termination'] = delete_on_termination;
        }
        const body = { volumeAttachment: attachment };
        return this._update(
          `/servers/${server_id}/os-volume_attachments/${attachment_id}`,
          body,
          'volumeAttachment'
        );
      }
    );
  }
}
