// The Trovato plugin SDK for AssemblyScript. Import from here: `import { ... } from "../../sdk"`.
// Guide: docs/writing-plugins.md. Plugins re-export the memory functions the kernel calls:
//   export { alloc, dealloc } from "../../sdk";
export { alloc, dealloc } from "./memory";
export { JsonValue, JsonKind, JsonParseResult, parseJson, tryParseJson, stringifyJson, formatNumber } from "./json";
export { tap, tapError, TapHandler } from "./tap";
export {
  Item,
  TextValue,
  PLAIN_TEXT,
  FILTERED_HTML,
  FieldType,
  FieldDefinition,
  field,
  ContentTypeDefinition,
  contentType,
  PermissionDefinition,
  permission,
  MenuDefinition,
  menu,
  AccessResult,
  RouteRequest,
  jsonList,
} from "./types";
export { RenderElement, container, markup, link, list, listOf, table, form, item, textField, pager, miniPager } from "./render";
export { ItemQuery, query } from "./query";
export { HostError, HostCode, lastHostError } from "./host-call";
export {
  getItem,
  saveItem,
  deleteItem,
  queryItems,
  queryItemsJson,
  ItemList,
  dbSelect,
  dbInsert,
  dbUpdate,
  dbDelete,
  dbQueryRaw,
  dbExecuteRaw,
  variableGet,
  variableSet,
  contextGet,
  contextSet,
  currentUserId,
  hasPermission,
  cacheGet,
  cacheSet,
  cacheInvalidateTag,
  invoke,
  dispatchTap,
  queueCreateItem,
  pluginExists,
  log,
} from "./host";
export { isoDate, now, nowMs } from "./date";
