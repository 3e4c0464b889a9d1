//! `#[plugin_tap]`: turns a Rust function into a Trovato tap (or route callback) export.
//!
//! ```ignore
//! #[plugin_tap]
//! fn tap_menu() -> Vec<MenuDefinition> { ... }
//!
//! #[plugin_tap]
//! fn tap_item_access(input: ItemAccessInput) -> AccessResult { ... }
//!
//! #[plugin_tap]
//! fn notes_page(request: RouteRequest) -> Result<RenderElement, HostError> { ... }
//! ```
//!
//! The function stays as written; beside it the macro adds the ABI §3 export named after it,
//! `(ptr: i32, len: i32) -> i64`, which decodes the JSON input into the argument's type, calls
//! the function and encodes what it returns: `Result` (an `Err` becomes `{"error": message}`),
//! `Option` and `()` (no result for `None`/`()`), or any `Serialize` value. The macro only
//! writes that glue; the runtime it calls is `trovato_sdk::tap`.
//!
//! A function the glue cannot be written for is a compile error that names the rule it breaks.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{format_ident, quote, ToTokens};
use syn::spanned::Spanned;
use syn::{parse_macro_input, FnArg, Item, ItemFn, Pat, ReturnType, Type};

/// Names the contract gives to other exports (ABI §2): a tap may not take them.
const RESERVED_EXPORTS: &[&str] = &["memory", "alloc", "dealloc", "_initialize", "_start"];

#[proc_macro_attribute]
pub fn plugin_tap(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        let attr = proc_macro2::TokenStream::from(attr);
        return rule_error(
            attr.span(),
            "#[plugin_tap] takes no arguments: the export is named after the function (rename the function to rename the tap)",
        );
    }
    let item = parse_macro_input!(item as Item);
    let function = match item {
        Item::Fn(function) => function,
        other => return rule_error(other.span(), "#[plugin_tap] goes on a free function (`fn tap_menu() -> ...`), not on other items"),
    };
    match expand(&function) {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            // Keep the function itself, so its body's own errors are still reported.
            let mut tokens = error.to_compile_error();
            tokens.extend(function.into_token_stream());
            tokens.into()
        }
    }
}

fn rule_error(span: Span, rule: &str) -> TokenStream {
    syn::Error::new(span, format!("plugin_tap rule: {rule}")).to_compile_error().into()
}

fn rule(spanned: &impl Spanned, rule: &str) -> syn::Error {
    syn::Error::new(spanned.span(), format!("plugin_tap rule: {rule}"))
}

fn expand(function: &ItemFn) -> syn::Result<proc_macro2::TokenStream> {
    let signature = &function.sig;
    let name = &signature.ident;
    let export = name.to_string();

    if RESERVED_EXPORTS.contains(&export.as_str()) {
        return Err(rule(name, &format!("`{export}` is an export the contract reserves (memory, alloc, dealloc, _initialize, _start); name the tap after the tap (`tap_menu`) or the route callback")));
    }
    if let Some(asyncness) = &signature.asyncness {
        return Err(rule(asyncness, "a tap cannot be async: the kernel calls it synchronously and host functions answer at once"));
    }
    if let Some(unsafety) = &signature.unsafety {
        return Err(rule(unsafety, "a tap cannot be `unsafe fn`: the kernel calls it with any input, so it must be safe to call"));
    }
    if let Some(abi) = &signature.abi {
        return Err(rule(abi, "a tap is a plain Rust `fn`: leave out `extern`, the macro writes the `extern \"C\"` export"));
    }
    if !signature.generics.params.is_empty() {
        return Err(rule(&signature.generics, "a tap cannot be generic: the export needs one concrete input and output type"));
    }
    if let Some(variadic) = &signature.variadic {
        return Err(rule(variadic, "a tap takes at most one argument, its input decoded from JSON"));
    }
    if signature.inputs.len() > 1 {
        return Err(rule(
            &signature.inputs,
            &format!(
                "a tap takes at most one argument, its input decoded from JSON; `{export}` has {}. Put the values in one struct that derives Deserialize",
                signature.inputs.len()
            ),
        ));
    }

    let input_type = match signature.inputs.first() {
        None => None,
        Some(FnArg::Receiver(receiver)) => {
            return Err(rule(receiver, "a tap is a free function, not a method: it cannot take `self`"));
        }
        Some(FnArg::Typed(typed)) => {
            if let Type::Reference(reference) = &*typed.ty {
                return Err(rule(reference, "a tap's input is an owned type decoded from JSON (`String`, a struct deriving Deserialize), not a reference"));
            }
            if let Type::ImplTrait(_) = &*typed.ty {
                return Err(rule(&typed.ty, "a tap's input is a concrete type decoded from JSON, not `impl Trait`"));
            }
            if let Pat::Ident(ident) = &*typed.pat {
                if ident.by_ref.is_some() {
                    return Err(rule(&typed.pat, "a tap's input is taken by value"));
                }
            }
            Some(&typed.ty)
        }
    };
    if let ReturnType::Type(_, ty) = &signature.output {
        if let Type::ImplTrait(_) = &**ty {
            return Err(rule(ty, "a tap returns a concrete type (the export encodes it with serde), not `impl Trait`"));
        }
    }

    let wrapper = format_ident!("__trovato_tap_{}", name);
    let call = match input_type {
        Some(ty) => quote! {
            let input: #ty = ::trovato_sdk::__private::decode_input(#export, input)?;
            #name(input)
        },
        None => quote! {
            let _ = input;
            #name()
        },
    };

    Ok(quote! {
        #function

        #[doc(hidden)]
        #[export_name = #export]
        pub extern "C" fn #wrapper(ptr: i32, len: i32) -> i64 {
            ::trovato_sdk::__private::run_tap(#export, ptr, len, |input: &[u8]| {
                #[allow(unused_imports)]
                use ::trovato_sdk::__private::{EncodeSerialize as _, EncodeSpecial as _};
                let returned = ::trovato_sdk::__private::Returned::new({ #call });
                (&&returned).encode()
            })
        }
    })
}
