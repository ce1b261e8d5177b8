//! A small pull cursor over quick-xml: elements by local name, attributes as owned strings,
//! whitespace and comments skipped. One record's worth of data is alive at a time.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::issue::{Issue, Rule};

/// Attributes of an element: name (interned when the schemas declare it) and value.
pub(crate) type AttrList = Vec<(Cow<'static, str>, Option<String>)>;

/// Every element and attribute name of the two schemas, sorted: interned, so reading them
/// allocates nothing.
const KNOWN_NAMES: &[&str] = &[
    "Anagrafica",
    "AnnoNascita",
    "AnnoProtocolloDSU",
    "AreaReddituale",
    "AreaSupporto",
    "AreaUtenza",
    "AttivitaVitaQuotidiana",
    "AutoritaProvvedimento",
    "Beneficiario",
    "CFOperatore",
    "CarattereAffido",
    "CarattereInserimentoResidenziale",
    "CaratterePrestazione",
    "Codice",
    "CodiceCittadinanza",
    "CodiceCittadinanzaMadre",
    "CodiceCittadinanzaPadre",
    "CodiceComune",
    "CodiceFiscale",
    "CodiceNazione",
    "CodiceNazioneResidenza",
    "CodicePrestazione",
    "CodiceRegione",
    "CodiceRegioneResidenza",
    "CodiceRegioneResidenzaMadre",
    "CodiceRegioneResidenzaPadre",
    "CodiceSecondaCittadinanza",
    "Cognome",
    "CollaborazioniInterventi",
    "ComposizioneFamiglia",
    "CondizioneLavoro",
    "CondizioneMinore",
    "DataDSU",
    "DataErogazionePrestazione",
    "DataEvento",
    "DataFinePrestazione",
    "DataInizioPrestazione",
    "DataPrimaSegnalazione",
    "DataProvvedimentoGiudiziario",
    "DataSegnalazione",
    "Denominazione",
    "DenominazionePrestazione",
    "Disabilita",
    "DisturbiAreaCognitiva",
    "DisturbiComportamentali",
    "DurataAffido",
    "Ente",
    "EsitoAffido",
    "EsitoInserimentoStruttura",
    "Famiglia",
    "FasciaEtaBeneficiario",
    "FasciaISEEBeneficiario",
    "Flusso",
    "FonteDerivazioneInvalidita",
    "FonteDerivazioneValutazione",
    "FonteSegnalazione",
    "FormaInserimentoResidenziale",
    "FormaInterventoAffido",
    "Genere",
    "IDBeneficiario",
    "IdentificazioneFlusso",
    "ImportoMensile",
    "ImportoPrestazione",
    "ImportoQuotaEnte",
    "ImportoQuotaRichiesta",
    "ImportoQuotaSSN",
    "ImportoQuotaUtente",
    "ImportoSogliaISEE",
    "Indirizzo",
    "InvCiv",
    "InvCivCertificazioni",
    "InvaliditaCivile",
    "LuogoNascita",
    "LuogoVita",
    "MinoreStranieroNoAcc",
    "Mobilita",
    "MotivazioneChiusuraCarico",
    "NecessitaCureSanitarie",
    "NecessitaInterventiSociali",
    "Nome",
    "NumeroComponentiISEE",
    "NumeroProtocolloDSU",
    "OccupazioneMadre",
    "OccupazionePadre",
    "OreServizioMensile",
    "PeriodoErogazione",
    "PotestaTutela",
    "PresaCarico",
    "PresenzaProvaMezzi",
    "Prestazioni",
    "PrestazioniSociali",
    "ProtocolloDomanda",
    "ProvvedimentoGiudiziario",
    "SINA",
    "SINBA",
    "ScuolaFrequentata",
    "SegnalazioneAutoritaGiudiziaria",
    "SituazioneChiusuraCarico",
    "StrumentoValutazione",
    "TipoDisabilita",
    "TipoInserimentoResidenziale",
    "TipoInterventoAffido",
    "TipoOperazione",
    "TipoProvvedimentoGiudiziario",
    "TitoloStudioMadre",
    "TitoloStudioPadre",
    "ValutazioneFamigliaMinore",
    "ValutazioneMinore",
    "xmlns",
    "xmlns:xsi",
    "xsi:noNamespaceSchemaLocation",
    "xsi:schemaLocation",
];

fn intern(bytes: &[u8]) -> Cow<'static, str> {
    match KNOWN_NAMES
        .binary_search_by(|k| k.as_bytes().cmp(bytes))
        .ok()
        .and_then(|i| KNOWN_NAMES.get(i))
    {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// One thing the cursor found.
#[derive(Debug)]
pub(crate) enum Node {
    /// `<name …>` (`empty` for `<name …/>`).
    Start { name: Cow<'static, str>, attrs: AttrList, empty: bool },
    /// `</name>`.
    End,
    /// Character data (entities resolved), not only whitespace.
    Text(String),
    /// End of input.
    Eof,
}

/// The cursor.
pub(crate) struct Cursor<R: BufRead> {
    reader: Reader<R>,
    buf: Vec<u8>,
    peeked: Option<Node>,
    /// Namespace prefix of the first element read (the root), if it has one.
    root_prefix: Option<Option<String>>,
    /// The input's own error, when reading stopped on one (the document may be well-formed:
    /// it could not be read), for [`Cursor::take_io_error`].
    io_error: Option<std::io::Error>,
}

/// A fatal reading problem: the document is not well-formed.
pub(crate) fn malformed(position: u64, what: impl std::fmt::Display) -> Issue {
    Issue::error("document", Rule::Malformed, format!("at byte {position}: {what}"))
}

impl<R: BufRead> Cursor<R> {
    pub(crate) fn new(input: R) -> Cursor<R> {
        let mut reader = Reader::from_reader(input);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        Cursor {
            reader,
            buf: Vec::with_capacity(4096),
            peeked: None,
            root_prefix: None,
            io_error: None,
        }
    }

    /// The input's error, if reading stopped on one: an error the caller reports as the
    /// input's ([`crate::SiussError::Io`]), not as the document's.
    pub(crate) fn take_io_error(&mut self) -> Option<std::io::Error> {
        self.io_error.take()
    }

    /// The root element's namespace prefix (`None` for an unprefixed root).
    pub(crate) fn root_prefix(&self) -> Option<&str> {
        self.root_prefix.as_ref().and_then(Option::as_deref)
    }

    /// Byte offset reached.
    pub(crate) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    pub(crate) fn peek(&mut self) -> Result<&Node, Issue> {
        if self.peeked.is_none() {
            let node = self.read()?;
            self.peeked = Some(node);
        }
        match &self.peeked {
            Some(node) => Ok(node),
            None => Err(malformed(self.position(), "internal cursor state")),
        }
    }

    pub(crate) fn next_node(&mut self) -> Result<Node, Issue> {
        match self.peeked.take() {
            Some(node) => Ok(node),
            None => self.read(),
        }
    }

    fn read(&mut self) -> Result<Node, Issue> {
        let mut text = String::new();
        loop {
            self.buf.clear();
            let position = self.reader.buffer_position();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(quick_xml::Error::Io(e)) => {
                    // Not a fault of the document: kept for the caller to report as such.
                    let issue = malformed(position, "the input could not be read");
                    self.io_error = Some(std::io::Error::new(e.kind(), e.to_string()));
                    return Err(issue);
                }
                Err(e) => return Err(malformed(position, e)),
            };
            match event {
                Event::Start(start) => {
                    note_root(&mut self.root_prefix, &start);
                    if !text.trim().is_empty() {
                        // Mixed content before a child: report the text first, keep the start.
                        let node = start_node(&start, false, position)?;
                        self.peeked = Some(node);
                        return Ok(Node::Text(text));
                    }
                    return start_node(&start, false, position);
                }
                Event::Empty(start) => {
                    note_root(&mut self.root_prefix, &start);
                    if !text.trim().is_empty() {
                        let node = start_node(&start, true, position)?;
                        self.peeked = Some(node);
                        return Ok(Node::Text(text));
                    }
                    return start_node(&start, true, position);
                }
                Event::End(_) => {
                    if !text.trim().is_empty() {
                        self.peeked = Some(Node::End);
                        return Ok(Node::Text(text));
                    }
                    return Ok(Node::End);
                }
                Event::Text(t) => {
                    let decoded = t.decode().map_err(|e| malformed(position, e))?;
                    // Indentation between elements: nothing to keep, nothing to allocate.
                    if !(text.is_empty() && decoded.trim().is_empty()) {
                        text.push_str(&decoded);
                    }
                }
                Event::CData(c) => {
                    let decoded = c.decode().map_err(|e| malformed(position, e))?;
                    text.push_str(&decoded);
                }
                Event::GeneralRef(r) => {
                    if let Ok(Some(ch)) = r.resolve_char_ref() {
                        text.push(ch);
                    } else {
                        let name = r.decode().map_err(|e| malformed(position, e))?;
                        let ch = match name.as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            _ => return Err(malformed(position, "undeclared entity reference")),
                        };
                        text.push(ch);
                    }
                }
                Event::Eof => {
                    return Ok(Node::Eof);
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    /// Skips the rest of an element whose start was just consumed (not empty).
    pub(crate) fn skip_element(&mut self) -> Result<(), Issue> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next_node()? {
                Node::Start { empty: false, .. } => depth += 1,
                Node::End => depth -= 1,
                Node::Eof => return Err(malformed(self.position(), "unexpected end of document")),
                Node::Start { .. } | Node::Text(_) => {}
            }
        }
        Ok(())
    }
}

/// Remembers the prefix of the first element read (the root).
fn note_root(root_prefix: &mut Option<Option<String>>, start: &BytesStart<'_>) {
    if root_prefix.is_none() {
        let prefix =
            start.name().prefix().map(|p| String::from_utf8_lossy(p.as_ref()).into_owned());
        *root_prefix = Some(prefix);
    }
}

fn start_node(start: &BytesStart<'_>, empty: bool, position: u64) -> Result<Node, Issue> {
    let name = intern(start.local_name().as_ref());
    // One allocation of the right size: count the `=` of the attribute list.
    let expected = start.attributes_raw().iter().filter(|b| **b == b'=').count();
    let mut attrs = Vec::with_capacity(expected);
    for attr in start.attributes() {
        let attr = attr.map_err(|e| malformed(position, e))?;
        let key = intern(attr.key.as_ref());
        let value = attr.unescape_value().map_err(|e| malformed(position, e))?.into_owned();
        attrs.push((key, Some(value)));
    }
    Ok(Node::Start { name, attrs, empty })
}
