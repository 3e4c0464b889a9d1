//! notes: the original Trovato blog plugin (tap_item_info, tap_perm, tap_menu,
//! tap_item_access) re-created for this kernel in Rust, under a name that leaves the
//! AssemblyScript blog alone, with its route callbacks working: `/notes` lists the published
//! notes and `/notes/:slug` shows one. `tap_install` writes a first note on a new site.

use trovato_sdk::prelude::*;

const NOTES: &str = "notes";

#[plugin_tap]
fn tap_item_info() -> Vec<ContentTypeDefinition> {
    vec![ContentTypeDefinition::new(NOTES, "Note", "A short note with a body, shown at /notes/<slug>.")
        .field(FieldDefinition::new("body", FieldType::TextLong, "Body").required())
        .field(FieldDefinition::new("slug", FieldType::Text { max_length: Some(128) }, "URL slug").required())]
}

#[plugin_tap]
fn tap_perm() -> Vec<PermissionDefinition> {
    vec![
        PermissionDefinition::new("create notes content", "Write new notes."),
        PermissionDefinition::new("edit own notes content", "Edit one's own notes."),
        PermissionDefinition::new("delete own notes content", "Delete one's own notes."),
        PermissionDefinition::new("edit any notes content", "Edit anyone's notes."),
        PermissionDefinition::new("delete any notes content", "Delete anyone's notes."),
    ]
}

#[plugin_tap]
fn tap_menu() -> Vec<MenuDefinition> {
    vec![
        MenuDefinition::new("/notes", "Notes", "notes_list").weight(20),
        MenuDefinition::new("/notes/:slug", "Note", "notes_page").parent("/notes"),
    ]
}

/// Published notes may be viewed by anyone with "access content"; everything else is left to
/// other plugins and the user's permissions.
#[plugin_tap]
fn tap_item_access(input: ItemAccessInput) -> AccessResult {
    if input.item.item_type == NOTES && input.op == "view" && input.item.is_published() {
        AccessResult::Grant
    } else {
        AccessResult::Neutral
    }
}

/// Runs once, when a site first enables the plugin (as its administrator), so a new site has a
/// note to show. A failure is logged, not fatal: the plugin works without it.
#[plugin_tap]
fn tap_install() {
    let welcome = Item::new(NOTES, "A note from a Rust plugin")
        .with_field("slug", "from-rust")
        .with_text("body", "This note was written by the notes plugin's tap_install, compiled from Rust with trovato-sdk.", PLAIN_TEXT);
    if let Err(error) = items::save(&welcome) {
        let _ = logging::warning(&format!("The first note could not be created: {error}"));
    }
}

/// `/notes`: published notes, newest first.
#[plugin_tap]
fn notes_list(_request: RouteRequest) -> RenderElement {
    let page = container("section").child("title", markup("h1", "Notes"));
    let found = match items::query(&ItemQuery::of_type(NOTES).published().sort_desc("created")) {
        Ok(found) => found,
        Err(error) => return page.child("error", markup("p", &format!("The notes could not be loaded: {}", error.message))),
    };
    if found.items.is_empty() {
        return page.child("empty", markup("p", "No notes yet."));
    }
    let entries = found.items.iter().fold(list(false), |entries, note| {
        entries.append(link(&note.title, &format!("/notes/{}", note.string("slug"))))
    });
    page.child("notes", entries)
}

/// `/notes/:slug`: the note whose slug field equals the parameter.
#[plugin_tap]
fn notes_page(request: RouteRequest) -> Result<RenderElement, HostError> {
    let slug = request.param("slug");
    let found = items::query(&ItemQuery::of_type(NOTES).field_equals("slug", slug).limit(1))?;
    let note = match found.items.first() {
        Some(note) => note,
        None => {
            return Ok(container("section")
                .child("title", markup("h1", "Note not found"))
                .child("message", markup("p", &format!("No note has the address /notes/{slug}.")))
                .child("back", link("All notes", "/notes")))
        }
    };
    let mut article = container("article").child("title", markup("h1", &note.title).weight(-10));
    if let Some(body) = note.text("body") {
        article = article.child("body", formatted("div", &body.value, &body.format));
    }
    if !note.is_published() {
        article = article.child("draft", markup("p", "This note is not published.").weight(-8));
    }
    Ok(article.child("back", link("All notes", "/notes").weight(10)))
}
