/** Asset inventory CSV → assets (a snapshot: the inventory as a whole). */
import { csvRegisterCollector } from '../csv/register.ts';
import { ASSET_FIELDS, parseAssetRow } from './parse.ts';

export const assetInventoryCollector = csvRegisterCollector({ sourceKind: 'asset-inventory', recordKind: 'asset', fields: ASSET_FIELDS, what: 'asset id', parse: parseAssetRow });
