import axios, { AxiosError, type AxiosInstance } from 'axios';
import { cloudApiBody, type OutgoingMessage } from './outgoing-message';
import { WhatsAppApiError, type WhatsAppApi } from './whatsapp-api';

export interface CloudApiSettings {
  accessToken: string;
  phoneNumberId: string;
  graphApiVersion: string;
  graphApiBaseUrl: string;
  timeoutMs?: number;
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_data?: { details?: string } };
}

/** Meta's error code and text from a Graph API failure; the token never appears in what is kept. */
function toApiError(error: unknown): WhatsAppApiError {
  if (error instanceof AxiosError) {
    const body = error.response?.data as GraphErrorBody | undefined;
    const graph = body?.error;
    const text = graph?.error_data?.details ?? graph?.message ?? error.message;
    return new WhatsAppApiError(`WhatsApp Cloud API: ${text}`, graph?.code, error.response?.status);
  }
  return new WhatsAppApiError(`WhatsApp Cloud API: ${error instanceof Error ? error.message : String(error)}`, undefined, undefined);
}

/** A thin typed client of the WhatsApp Business Cloud API (Graph API) on axios. */
export class CloudApiClient implements WhatsAppApi {
  private readonly http: AxiosInstance;

  constructor(private readonly settings: CloudApiSettings) {
    this.http = axios.create({
      baseURL: `${settings.graphApiBaseUrl}/${settings.graphApiVersion}`,
      timeout: settings.timeoutMs ?? 15_000,
      headers: { authorization: `Bearer ${settings.accessToken}` },
    });
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    try {
      const response = await this.http.post<{ messages?: Array<{ id: string }> }>(`/${this.settings.phoneNumberId}/messages`, cloudApiBody(message));
      const messageId = response.data.messages?.[0]?.id;
      if (!messageId) throw new WhatsAppApiError('WhatsApp Cloud API: the reply named no message id', undefined, response.status);
      return { messageId };
    } catch (error) {
      throw error instanceof WhatsAppApiError ? error : toApiError(error);
    }
  }

  async uploadMedia(content: Buffer, mimeType: string, filename: string): Promise<{ mediaId: string }> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimeType);
    form.append('file', new Blob([new Uint8Array(content)], { type: mimeType }), filename);
    try {
      const response = await this.http.post<{ id: string }>(`/${this.settings.phoneNumberId}/media`, form);
      return { mediaId: response.data.id };
    } catch (error) {
      throw toApiError(error);
    }
  }

  async downloadMedia(mediaId: string): Promise<{ content: Buffer; mimeType: string }> {
    try {
      const meta = await this.http.get<{ url: string; mime_type: string }>(`/${encodeURIComponent(mediaId)}`);
      // The media URL is on another host but wants the same bearer token; it expires in minutes.
      const file = await this.http.get<ArrayBuffer>(meta.data.url, { baseURL: '', responseType: 'arraybuffer', maxContentLength: 16 * 1024 * 1024 });
      return { content: Buffer.from(file.data), mimeType: meta.data.mime_type };
    } catch (error) {
      throw toApiError(error);
    }
  }
}
