//! RenderElement builders (docs/abi.md §6). A plugin never
//! writes HTML: it returns a tree the UI renders, escaping `#value` text and sanitizing
//! `filtered_html`.
//!
//! ```ignore
//! container("article")
//!     .child("title", markup("h1", &note.title).weight(-10))
//!     .child("body", markup("div", &body.value).format(&body.format))
//! ```

use crate::types::PLAIN_TEXT;
use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// One node of a render tree: `#` properties, then children, in the order they were added
/// (children render by `#weight`, then in that order). Setters take and return the element,
/// so builders chain.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderElement {
    props: Vec<(String, Value)>,
    children: Vec<(String, Child)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Child {
    Element(RenderElement),
    /// A subtree kept as JSON, as received (for example by `tap_item_view_alter`).
    Json(Value),
}

impl RenderElement {
    /// An element of `#type` `kind`: container, markup, link, list, table, form or item.
    pub fn new(kind: &str) -> RenderElement {
        RenderElement { props: vec![("#type".into(), Value::from(kind))], children: Vec::new() }
    }

    /// The `#type`.
    pub fn kind(&self) -> &str {
        self.get("#type").and_then(Value::as_str).unwrap_or("")
    }

    /// Property `name` (with its `#`), if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.props.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Sets any `#` property (`#title`, `#url`, `#rows`...). A name without `#` is taken as
    /// meant with one, so a property can never become a child by mistake.
    pub fn prop(mut self, name: &str, value: impl Into<Value>) -> RenderElement {
        let name = if name.starts_with('#') { name.to_string() } else { format!("#{name}") };
        let value = value.into();
        match self.props.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.props.push((name, value)),
        }
        self
    }

    /// Children render by `#weight` ascending.
    pub fn weight(self, weight: i32) -> RenderElement {
        self.prop("#weight", weight)
    }

    /// The HTML element the UI uses (`h1`, `p`, `section`...; the renderer allow-lists them).
    pub fn tag(self, tag: &str) -> RenderElement {
        self.prop("#tag", tag)
    }

    /// The text of `markup` and `item`.
    pub fn value(self, text: &str) -> RenderElement {
        self.prop("#value", text)
    }

    /// `plain_text` (the default) or `filtered_html`.
    pub fn format(self, format: &str) -> RenderElement {
        self.prop("#format", format)
    }

    /// Sets one `#attributes` entry (`class`, `id`, `data-*`...).
    pub fn attr(mut self, name: &str, value: &str) -> RenderElement {
        let mut attributes = match self.get("#attributes") {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        attributes.insert(name.into(), Value::from(value));
        self = self.prop("#attributes", Value::Object(attributes));
        self
    }

    /// Adds (or replaces) child `key`. A key starting with `#` is a property, not a child: it
    /// is refused with a panic naming the key, which the kernel reports with file and line.
    pub fn child(self, key: &str, element: RenderElement) -> RenderElement {
        self.put_child(key, Child::Element(element))
    }

    /// Adds a child given as JSON (a subtree received from the kernel or another plugin).
    pub fn child_json(self, key: &str, element: Value) -> RenderElement {
        self.put_child(key, Child::Json(element))
    }

    fn put_child(mut self, key: &str, child: Child) -> RenderElement {
        assert!(!key.starts_with('#'), "RenderElement::child: the child key \"{key}\" starts with '#', which marks a property");
        match self.children.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = child,
            None => self.children.push((key.into(), child)),
        }
        self
    }

    /// Appends `element` under the key `item-<n>` with `#weight` n (lists).
    pub fn append(self, element: RenderElement) -> RenderElement {
        let n = self.children.len();
        self.child(&format!("item-{n}"), element.weight(n as i32))
    }

    /// Whether child `key` exists.
    pub fn has_child(&self, key: &str) -> bool {
        self.children.iter().any(|(k, _)| k == key)
    }

    /// Removes child `key`; returns whether it was there.
    pub fn remove_child(&mut self, key: &str) -> bool {
        let before = self.children.len();
        self.children.retain(|(k, _)| k != key);
        self.children.len() != before
    }

    /// Adds a row of cells to a `table`; a cell is text or an element
    /// (`Value::from("text")`, `element.to_value()`).
    pub fn row(self, cells: Vec<Value>) -> RenderElement {
        let mut rows = match self.get("#rows") {
            Some(Value::Array(rows)) => rows.clone(),
            _ => Vec::new(),
        };
        rows.push(Value::Array(cells));
        self.prop("#rows", Value::Array(rows))
    }

    /// The tree as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Serialize for RenderElement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.props.len() + self.children.len()))?;
        for (key, value) in &self.props {
            map.serialize_entry(key, value)?;
        }
        for (key, child) in &self.children {
            match child {
                Child::Element(element) => map.serialize_entry(key, element)?,
                Child::Json(value) => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RenderElement {
    /// An element from JSON (as `tap_item_view_alter` receives it): children stay JSON until
    /// replaced. An object without `#type` is a container.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = match Value::deserialize(deserializer)? {
            Value::Object(object) => object,
            other => return Err(D::Error::custom(format!("a RenderElement is a JSON object, not {other}"))),
        };
        let mut element = RenderElement { props: Vec::new(), children: Vec::new() };
        for (key, value) in object {
            if key.starts_with('#') {
                element.props.push((key, value));
            } else {
                element.children.push((key, Child::Json(value)));
            }
        }
        if element.get("#type").is_none() {
            element.props.insert(0, ("#type".into(), Value::from("container")));
        }
        Ok(element)
    }
}

/// A grouping element; `tag` "" leaves the renderer's default (`div`).
pub fn container(tag: &str) -> RenderElement {
    let element = RenderElement::new("container");
    if tag.is_empty() { element } else { element.tag(tag) }
}

/// Text in an element: `markup("h1", "Title")`.
pub fn markup(tag: &str, text: &str) -> RenderElement {
    RenderElement::new("markup").tag(tag).value(text)
}

/// A link: `text`, to a site path (`/notes`) or an http(s) URL.
pub fn link(text: &str, url: &str) -> RenderElement {
    RenderElement::new("link").prop("#title", text).prop("#url", url)
}

/// A list (`ul`, or `ol` when `ordered`); add entries with `append`.
pub fn list(ordered: bool) -> RenderElement {
    RenderElement::new("list").prop("#list_type", if ordered { "ol" } else { "ul" })
}

/// A list of text entries (`#items`).
pub fn list_of(entries: &[&str], ordered: bool) -> RenderElement {
    list(ordered).prop("#items", entries.iter().map(|e| Value::from(*e)).collect::<Vec<_>>())
}

/// A table with a header row; add rows with `row`.
pub fn table(header: &[&str], caption: &str) -> RenderElement {
    let mut element = RenderElement::new("table").prop("#rows", Value::Array(Vec::new()));
    if !header.is_empty() {
        element = element.prop("#header", header.iter().map(|h| Value::from(*h)).collect::<Vec<_>>());
    }
    if caption.is_empty() { element } else { element.prop("#caption", caption) }
}

/// A form; its `item`s with a `#name` (see [`text_field`]) are its fields.
pub fn form(form_id: &str, submit_label: &str) -> RenderElement {
    let element = RenderElement::new("form").prop("#form_id", form_id);
    if submit_label.is_empty() { element } else { element.prop("#submit", submit_label) }
}

/// Links between the pages of a long list: "Previous" (`rel="prev"`), "Page N of M" and "Next"
/// (`rel="next"`). `url` is the list's path; page 1 links to it as it is, page N adds `page=N`.
pub fn pager(url: &str, page: u32, pages: u32) -> RenderElement {
    RenderElement::new("pager").prop("#url", url).prop("#page", page).prop("#pages", pages)
}

/// A pager for a list that is not counted (a query made [`ItemQuery::without_total`]):
/// "Previous", "Page N", and "Next" while `more` says a next page exists.
pub fn mini_pager(url: &str, page: u32, more: bool) -> RenderElement {
    RenderElement::new("pager").prop("#url", url).prop("#page", page).prop("#more", more)
}

/// A labelled value.
pub fn item(label: &str, value: &str) -> RenderElement {
    RenderElement::new("item").prop("#title", label).value(value)
}

/// A text input for a `form`, prefilled with `value`.
pub fn text_field(name: &str, label: &str, value: &str) -> RenderElement {
    item(label, value).prop("#name", name)
}

/// `markup` whose format is not plain text (e.g. `FILTERED_HTML`).
pub fn formatted(tag: &str, text: &str, format: &str) -> RenderElement {
    let element = markup(tag, text);
    if format == PLAIN_TEXT { element } else { element.format(format) }
}
