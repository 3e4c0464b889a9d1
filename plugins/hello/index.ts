// hello: one route and one permission. Every tap is an export with the signature
// (ptr: i32, len: i32) => i64 that hands its input to `tap` with a JSON -> JSON function.
import {
  JsonValue, tap, menu, permission, jsonList, MenuDefinition, PermissionDefinition,
  container, markup, currentUserId, hasPermission, RouteRequest,
} from "../../sdk";

// The kernel calls these to pass tap input into this plugin's memory.
export { alloc, dealloc } from "../../sdk";

// tap_menu: the routes this plugin serves. `callback` names an export below.
export function tap_menu(ptr: i32, len: i32): i64 {
  return tap(ptr, len, routes);
}

function routes(input: JsonValue): JsonValue {
  return jsonList<MenuDefinition>([
    // Without .permission(...) a route needs "access content", which visitors have.
    menu("/hello", "Hello", "hello_page"),
    // The kernel refuses this one to anyone without "see hello secrets".
    menu("/hello/secret", "Hello secret", "secret_page").parent("/hello").permission("see hello secrets"),
  ]);
}

// tap_perm: the permissions this plugin defines (site admins grant them to roles).
export function tap_perm(ptr: i32, len: i32): i64 {
  return tap(ptr, len, perms);
}

function perms(input: JsonValue): JsonValue {
  return jsonList<PermissionDefinition>([permission("see hello secrets", "See /hello/secret and the extra line on /hello.")]);
}

// The route callback: input {path, params, query}, output a render tree.
export function hello_page(ptr: i32, len: i32): i64 {
  return tap(ptr, len, page);
}

function page(input: JsonValue): JsonValue {
  const request = RouteRequest.fromJson(input);
  const name = request.queryParam("name", "world");
  const page = container()
    .child("greeting", markup("h1", "Hello, " + name + "!"))
    .child("user", markup("p", "You are user " + currentUserId() + "."));
  if (hasPermission("see hello secrets")) page.child("secret", markup("p", "You may see hello secrets."));
  return page.toJson();
}

export function secret_page(ptr: i32, len: i32): i64 {
  return tap(ptr, len, secret);
}

function secret(input: JsonValue): JsonValue {
  return markup("p", "The secret: every page here is a WebAssembly export.").toJson();
}
