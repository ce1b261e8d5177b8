//! Every enumeration of `PS_PSA_SINA201812.xsd` and `SINBA.xsd` as a Rust enum.
//!
//! Each enum carries the XSD code ([`code`](Genere::code)), the official Italian label from
//! the XSD annotation ([`label`](Genere::label)) and the list of its values (`ALL`). Serialized
//! (JSON, YAML) as the XSD code string (`"1"`); deserialized from that string or from a number.

use std::fmt;

/// What the reader and writer need of a code enum.
pub(crate) trait XsdCode: Sized + Copy {
    fn parse_code(code: &str) -> Option<Self>;
    fn xsd_code(self) -> &'static str;
    fn xsd_type() -> &'static str;
}

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident ($xsd:literal) {
            $($variant:ident = $code:literal : $label:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = concat!("XSD type `", $xsd, "`.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $code, "`: ", $label)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in XSD order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name of the XSD simple type.
            pub const XSD_TYPE: &'static str = $xsd;

            /// The code written in the XML attribute or element.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The official label (Italian, from the XSD annotation).
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The value for an XSD code, or `None` for a code the XSD does not list.
            pub fn from_code(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl crate::codes::XsdCode for $name {
            fn parse_code(code: &str) -> Option<Self> {
                $name::from_code(code)
            }
            fn xsd_code(self) -> &'static str {
                self.code()
            }
            fn xsd_type() -> &'static str {
                $xsd
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "a code of {}: ", $xsd)?;
                        let codes: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                        f.write_str(&codes.join(", "))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::from_code(v.trim()).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        $name::from_code(&v.to_string()).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        $name::from_code(&v.to_string()).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let codes: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                schemars::json_schema!({
                    "type": "string",
                    "enum": codes,
                    "description": concat!("XSD type ", $xsd, " (code as a string)"),
                })
            }
        }
    };
}

// ---------------------------------------------------------------- PS_PSA_SINA201812.xsd

code_enum! {
    /// `Anagrafica@Genere`.
    Genere ("GenereType") { Male = "1": "Maschio", Female = "2": "Femmina" }
}

code_enum! {
    /// `PrestazioniSociali@TipoOperazione`: insert (the default when absent) or cancel.
    TipoOperazione ("TipoOperazioneType") { Insert = "I": "Inserimento", Cancel = "C": "Cancellazione" }
}

code_enum! {
    /// `PrestazioniSociali@PresenzaProvaMezzi`: whether and how the benefit is means-tested.
    PresenzaProvaMezzi ("PresenzaProvaMezziType") {
        Isee = "1": "Prestazione soggetta a ISEE",
        OtherMeansTest = "2": "Prestazione soggetta a prova dei mezzi, ma non attraverso ISEE (es. prestaz. inps, agevolaz. tribut.)",
        IseeWaived = "3": "Prestazione in generale soggetta a ISEE, ma sottratta alla prova dei mezzi per lo specifico beneficiario in virtu' di altri criteri di bisogno (es. asilo nido per bambino con disabilità o in famiglie numerose, ecc.)",
        NotMeansTested = "4": "Prestazione non soggetta a prova dei mezzi (assenza di criteri economici nella disciplina dell'erogazione",
    }
}

code_enum! {
    /// `PrestazioniSociali@CaratterePrestazione`: periodic or one-off.
    CaratterePrestazione ("CaratterePrestazioneType") {
        Periodic = "1": "Periodico",
        OneOff = "2": "Occasionale (unica soluzione)",
    }
}

code_enum! {
    /// `PrestazioniSociali@PresaCarico`: taken in charge by the professional social service.
    PresaCarico ("PresaCaricoType") { Yes = "1": "SI", No = "2": "NO" }
}

code_enum! {
    /// `PrestazioniSociali@AreaUtenza`.
    AreaUtenza ("AreaUtenzaType") {
        FamilyAndMinors = "1": "Famiglia e minori",
        DisabilityAndDependency = "2": "Disabilità e Non autosufficienza",
        PovertyAndExclusion = "3": "Povertà ed esclusione sociale",
    }
}

code_enum! {
    /// `SINA@Mobilita`.
    Mobilita ("MobilitaType") {
        MovesAlone = "1": "Si sposta da solo",
        MovesAssisted = "2": "Si Sposta Assistito",
        DoesNotMove = "3": "Non Si Sposta",
    }
}

code_enum! {
    /// `SINA@AttivitaVitaQuotidiana`.
    AttivitaVitaQuotidiana ("AttivitaVitaQuotidianaType") {
        Autonomous = "1": "Autonomo",
        PartiallyDependent = "2": "Parzialmente dipendente",
        TotallyDependent = "3": "Totalmente dipendente",
    }
}

code_enum! {
    /// `SINA@DisturbiAreaCognitiva`.
    DisturbiAreaCognitiva ("DisturbiAreaCognitivaType") {
        Mild = "1": "Lievi", Moderate = "2": "Moderati", Severe = "3": "Gravi",
    }
}

code_enum! {
    /// `SINA@DisturbiComportamentali`.
    DisturbiComportamentali ("DisturbiComportamentaliType") { Absent = "1": "Assenti", Present = "2": "Presenti" }
}

code_enum! {
    /// `SINA@NecessitaCureSanitarie`.
    NecessitaCureSanitarie ("NecessitaCureSanitarieType") { Low = "1": "Bassa", Medium = "2": "Media", High = "3": "Alta" }
}

code_enum! {
    /// `SINA@AreaReddituale`.
    AreaReddituale ("AreaRedditualeType") {
        Autonomous = "1": "Autonomo e in equilibrio finanziario",
        HelpedByOthers = "2": "Riceve aiuto da parenti e/o da altre persone",
        InNeedWithoutHelp = "3": "In condizione di bisogno economico e senza aiuti da parenti o altre persone",
    }
}

code_enum! {
    /// `SINA@AreaSupporto`.
    AreaSupporto ("AreaSupportoType") {
        NetworkPresent = "1": "Presenza della rete familiare o informale",
        NetworkPartial = "2": "Presenza parziale e/o temporanea della rete familiare o informale",
        NetworkAbsent = "3": "Assenza della rete familiare o informale",
    }
}

code_enum! {
    /// `SINA@FonteDerivazioneValutazione`.
    FonteDerivazioneValutazione ("FonteDerivazioneValutazioneType") {
        Uvm = "1": "UVM",
        CartellaSociale = "2": "Cartella sociale",
        OtherDocumentation = "3": "Altra documentazione",
        DirectCollection = "4": "Raccolta diretta",
    }
}

code_enum! {
    /// `SINA@StrumentoValutazione`.
    StrumentoValutazione ("StrumentoValutazioneType") {
        Svama = "1": "SVAMA", Aged = "2": "AGED", Rug = "3": "RUG", Sosia = "4": "SOSIA",
        SchemaPolare = "5": "SCHEMA POLARE", Valgraf = "6": "VALGRAF",
        Other = "7": "Altro Sistema Di Codifica",
    }
}

code_enum! {
    /// `SINA/InvaliditaCivile/InvCiv`.
    InvCiv ("InvCivType") {
        Partial75 = "1": "Certificazione Invalidita' Civile parziale non inferiore al 75%",
        TotalWithAccompaniment = "2": "Certificazione Invalidita' Civile Totale (100%) Con Indennita' di accompagnamento",
        TotalWithoutAccompaniment = "3": "Certificazione Invalidita' Civile totale (100%) senza indennita' di accompagnamento",
        Npi = "4": "Certificazione Npi",
        L104Art3C1 = "5": "Certificazione L.104 (art.3, comma 1)",
        L104Art3C3 = "6": "Certificazione L.104 (art.3, comma 3)",
        L104Art12 = "7": "Certificazione L.104 (art.12)",
        L104Art13 = "8": "Certificazione L.104 (art.13)",
    }
}

code_enum! {
    /// `SINA@FonteDerivazioneInvalidita`.
    FonteDerivazioneInvalidita ("FonteDerivazioneInvaliditaType") {
        VerifiedCertification = "1": "Certificazione invalidita' verificata on line o cartacea",
        SelfDeclaration = "2": "Dichiarazione della persona",
    }
}

// ---------------------------------------------------------------- SINBA.xsd

code_enum! {
    /// `SINBA/Famiglia/ComposizioneFamiglia`: who lives with the child.
    ComposizioneFamiglia ("ComposizioneFamigliaType") {
        Mother = "1": "Madre", Father = "2": "Padre", Siblings = "3": "Fratelli/Sorelle",
        Grandparent = "4": "Nonno/a", ParentPartner = "5": "Compagno/a della madre o del padre",
        OtherCohabitants = "6": "Altri conviventi",
    }
}

code_enum! {
    /// A yes/no answer of SINBA (`MinoreStranieroNoAcc`, `Disabilita`,
    /// `SegnalazioneAutoritaGiudiziaria`, `ProvvedimentoGiudiziario`: four XSD types with the
    /// same two values).
    SiNo ("MinoreStranieroNoAccType, DisabilitaType, SegnalazioneAutoritaGiudiziariaType, ProvvedimentoGiudiziarioType") {
        Yes = "1": "SI", No = "2": "NO",
    }
}

code_enum! {
    /// `SINBA@CondizioneMinore`.
    CondizioneMinore ("CondizioneMinoreType") {
        NotOrphan = "1": "Non orfano", OrphanOfBoth = "2": "Orfano di entrambi",
        OrphanOfFather = "3": "Orfano di padre", OrphanOfMother = "4": "Orfano di madre",
        ParentsUnknown = "5": "Genitori ignoti",
    }
}

code_enum! {
    /// `SINBA@LuogoVita`.
    LuogoVita ("LuogoVitaType") {
        OwnFamily = "1": "nella sua famiglia", Relatives = "2": "presso parenti",
        FosterFamily = "3": "in famiglia affidataria", SocialResidential = "4": "in struttura residenziale sociale",
        HealthResidential = "5": "in struttura residenziale sanitaria", JuvenilePrison = "6": "in istituto penale minorile",
        Friends = "7": "con amici e conoscenti", Homeless = "8": "senza dimora",
    }
}

code_enum! {
    /// `SINBA@ScuolaFrequentata`.
    ScuolaFrequentata ("ScuolaFrequentataType") {
        None = "1": "nessuna scuola", Struttura = "2": "struttura", Nursery = "3": "asilo nido",
        InfantSchool = "4": "scuola dell'infanzia", Primary = "5": "scuola primaria",
        LowerSecondary = "6": "scuola secondaria I grado", UpperSecondary = "7": "scuola secondaria II grado",
        VocationalTraining = "8": "corso formazione professionale",
    }
}

code_enum! {
    /// `SINBA@CondizioneLavoro`.
    CondizioneLavoro ("CondizioneLavoroType") {
        Inactive = "1": "inattivo (non in età da lavoro, non ha e non cerca lavoro)",
        Employed = "2": "occupato",
        Unemployed = "3": "disoccupato alla ricerca di nuova occupazione",
        FirstJobSeeker = "4": "in cerca di prima occupazione",
    }
}

code_enum! {
    /// `SINBA@TipoDisabilita`.
    TipoDisabilita ("TipoDisabilitaType") {
        Physical = "1": "Fisica", Psychic = "2": "Psichica", Sensory = "3": "Sensoriale", Multiple = "4": "Plurima",
    }
}

code_enum! {
    /// `SINBA@InvCivCertificazioni`.
    InvCivCertificazioni ("InvCivCertificazioniType") {
        Partial75 = "1": "certificazione invalidità civile parziale non inferiore al 75%",
        TotalWithAccompaniment = "2": "certificazione invalidità civile totale (100%) con indennità di accompagnamento",
        TotalWithoutAccompaniment = "3": "certificazione invalidità civile totale (100%) senza indennità di accompagnamento",
        Npi = "4": "certificazione NPI",
        L104 = "5": "certificazione l.104",
    }
}

code_enum! {
    /// `SINBA@TitoloStudioPadre` and `@TitoloStudioMadre`.
    TitoloStudio ("TitoloStudioType") {
        None = "1": "nessun titolo", Elementary = "2": "licenza elementare", LowerSecondary = "3": "licenza media",
        VocationalQualification = "4": "qualifica professionale", UpperSecondary = "5": "diploma scuola superiore",
        Degree = "6": "laurea o diploma di laurea",
    }
}

code_enum! {
    /// `SINBA@OccupazionePadre` and `@OccupazioneMadre`.
    Occupazione ("OccupazioneType") {
        Employed = "1": "occupato", Unemployed = "2": "disoccupato alla ricerca di nuova occupazione",
        FirstJobSeeker = "3": "in cerca di prima occupazione", Homemaker = "4": "casalinga/o",
        Student = "5": "studente", Retired = "6": "ritirato/a dal lavoro", UnableToWork = "7": "inabile al lavoro",
        Other = "8": "in altra condizione",
    }
}

code_enum! {
    /// `SINBA@FonteSegnalazione`: who first reported the child.
    FonteSegnalazione ("FonteSegnalazioneType") {
        JuvenileJusticeSocialService = "1": "servizio sociale minori della giustizia minorile",
        OtherSocialService = "2": "altro servizio sociale (consultori, centri famiglia, di altro ambito/distretto, ecc.)",
        HealthServices = "3": "servizi sanitari/medico di base/pediatra",
        PrivateSocial = "4": "privato sociale/volontariato",
        Police = "5": "forze dell'ordine",
        Beneficiary = "6": "beneficiario stesso",
        FosterParentsOrGuardian = "7": "genitori affidatari/tutore",
        CohabitingFamily = "8": "genitori/fratelli/altri familiari conviventi",
        NonCohabitingRelatives = "9": "parenti non conviventi",
        OrdinaryCourt = "10": "tribunale ordinario",
        JuvenileJudicialAuthorities = "11": "autorità giudiziarie minorili",
        PrivateProfessional = "12": "professionista privato",
        School = "13": "scuola",
        Neighbours = "14": "vicinato o conoscenti",
    }
}

code_enum! {
    /// `SINBA@ValutazioneMinore`: the prevailing problem of the child.
    ValutazioneMinore ("ValutazioneMinoreType") {
        None = "1": "nessuna specifica problematica",
        RelationalBehavioural = "2": "problemi relazionali e comportamentali",
        Addictions = "3": "dipendenze",
        PresumedAbandonment = "4": "presunto stato di abbandono",
        Health = "5": "problemi sanitari",
        SexualViolence = "6": "violenza sessuale subita, prostituzione, tratta, pedopornografia",
        OtherViolence = "7": "altre forme di violenza e maltrattamento subite",
        SeriousDeviance = "8": "comportamenti di grave devianza",
        AutonomyDisability = "9": "problemi di autonomia, disabilità",
        CriminalProceedings = "10": "coinvolto in procedure penali",
        PregnantOrMinorMother = "11": "gestante/madre minorenne",
        UnaccompaniedForeignMinor = "12": "minore straniero non accompagnato",
        SchoolDropOut = "13": "abbandono scolastico",
    }
}

code_enum! {
    /// `SINBA@ValutazioneFamigliaMinore`: the prevailing problem of the family.
    ValutazioneFamigliaMinore ("ValutazioneFamigliaMinoreType") {
        None = "1": "nessuna specifica",
        ParentalFragility = "2": "problematica fragilità/inadeguatezza genitoriale, problematiche socio-educative",
        Addiction = "3": "dipendenza",
        Psychiatric = "4": "problematiche psichiatriche",
        OtherHealth = "5": "altre problematiche sanitarie",
        SeriousConflict = "6": "grave conflittualità familiare",
        Maltreating = "7": "famiglia maltrattante",
        Abusing = "8": "famiglia abusante",
        Judicial = "9": "problemi giudiziari",
        FailedPreAdoptiveFostering = "10": "fallimento affido preadottivo nel I anno",
        HealthObligationDefault = "11": "inadempienza obblighi sanitari",
        Economic = "12": "difficoltà economiche",
        Housing = "13": "difficoltà abitative",
    }
}

code_enum! {
    /// `SINBA@AutoritaProvvedimento`.
    AutoritaProvvedimento ("AutoritaProvvedimentoType") {
        GiudiceTutelare = "1": "Giudice tutelare", TribunaleMinori = "2": "Tribunale per i minori",
        ProcuraMinori = "3": "Procura per i minori", TribunaleOrdinario = "4": "Tribunale ordinario",
    }
}

code_enum! {
    /// `SINBA@PotestaTutela`.
    PotestaTutela ("PotestaTutelaType") {
        Suspension = "1": "sospensione potestà genitoriale", Forfeiture = "2": "decadenza potestà genitoriale",
        Prescriptions = "3": "prescrizioni ai genitori", Guardianship = "4": "tutela a parenti o altri soggetti",
        Curatorship = "5": "curatela",
    }
}

code_enum! {
    /// `SINBA@TipoProvvedimentoGiudiziario`. The XSD label of `8` is garbled in the original
    /// ("post-adozione \"allontanamento del minore in via d'emergenza (art.403 c.c.)"); it is
    /// kept as published.
    TipoProvvedimentoGiudiziario ("TipoProvvedimentoGiudiziarioType") {
        Adoptability = "1": "adottabilità", NationalAdoption = "2": "adozione nazionale",
        InternationalAdoption = "3": "adozione internazionale", FamilyFostering = "4": "affidamento familiare",
        EntrustedToSocialService = "5": "affido al servizio sociale",
        CustodyToOneParent = "6": "affidamento a uno dei genitori in caso di separazione",
        Supervision = "7": "vigilanza",
        PostAdoptionOrEmergencyRemoval = "8": "post-adozione \"allontanamento del minore in via d'emergenza (art.403 c.c.)",
    }
}

code_enum! {
    /// `SINBA@FormaInterventoAffido`.
    FormaInterventoAffido ("FormaInterventoAffidoType") { Consensual = "1": "Consensuale", Judicial = "2": "Giudiziario" }
}

code_enum! {
    /// `SINBA@TipoInterventoAffido`.
    TipoInterventoAffido ("TipoInterventoAffidoType") { IntraFamily = "1": "Intrafamiliare", HeteroFamily = "2": "Eterofamiliare" }
}

code_enum! {
    /// `SINBA@DurataAffido`.
    DurataAffido ("DurataAffidoType") { FullTime = "1": "Tempo pieno", PartTime = "2": "Tempo parziale" }
}

code_enum! {
    /// `SINBA@CarattereAffido`.
    CarattereAffido ("CarattereAffidoType") { Residential = "1": "Residenziale", Day = "2": "Diurno" }
}

code_enum! {
    /// `SINBA@EsitoAffido`.
    EsitoAffido ("EsitoAffidoType") {
        BackToFamily = "1": "rientrato nella famiglia di origine", OtherFamily = "2": "affidata ad altro nucleo familiare",
        Adopted = "3": "adottato", SocioEducationalFacility = "4": "inserito in struttura socio-educativa",
        HealthFacility = "5": "inserito in struttura sanitaria", IndependentLife = "6": "vita in autonomia",
        Repatriated = "7": "rimpatriato", Unknown = "8": "destinazione ignota", Other = "9": "altro",
    }
}

code_enum! {
    /// `SINBA@CarattereInserimentoResidenziale`.
    CarattereInserimentoResidenziale ("CarattereInserimentoResidenzialeType") {
        FamilyHousing = "1": "familiare-prevalente accoglienza abitativa",
        FamilyProtective = "2": "familiare-prevalente funzione tutelare",
        FamilySocioEducational = "3": "familiare-funzione socio-educativa",
        CommunityEmergency = "4": "comunitario-accoglienza di emergenza",
        CommunityHousing = "5": "comunitario-prevalente accoglienza abitativa",
        CommunityProtective = "6": "comunitario-prevalente funzione tutelare",
        CommunitySocioEducational = "7": "comunitario-funzione socio-educativa",
        CommunityEducationalPsychological = "8": "comunitario-funzione educativa-psicologica",
        CommunityLowHealthIntegration = "9": "comunitario-funzione integrazione socio-sanitaria bassa",
        CommunityHighHealthIntegration = "10": "comunitario-funzione integrazione socio-sanitaria medio-alta",
    }
}

code_enum! {
    /// `SINBA@FormaInserimentoResidenziale`.
    FormaInserimentoResidenziale ("FormaInserimentoResidenzialeType") { Consensual = "1": "Consensuale", Judicial = "2": "Giudiziario" }
}

code_enum! {
    /// `SINBA@TipoInserimentoResidenziale`.
    TipoInserimentoResidenziale ("TipoInserimentoResidenzialeType") { WithParent = "1": "Con genitore", WithoutParent = "2": "Senza genitore" }
}

code_enum! {
    /// `SINBA@EsitoInserimentoStruttura`.
    EsitoInserimentoStruttura ("EsitoInserimentoStrutturaType") {
        BackToFamily = "1": "rientrato nella famiglia di origine", FosterFamily = "2": "in famiglia affidataria o affidatario",
        Adopted = "3": "adottato", OtherSocioEducationalFacility = "4": "inserito in altra struttura socio-educativa",
        HealthFacility = "5": "inserito in struttura sanitaria", MadeAutonomous = "6": "reso autonomo",
        Repatriated = "7": "rimpatriato", Unknown = "8": "destinazione ignota", Other = "9": "altro",
    }
}

code_enum! {
    /// `SINBA@MotivazioneChiusuraCarico`.
    MotivazioneChiusuraCarico ("MotivazioneChiusuraCaricoType") {
        TransferSameRegion = "1": "passaggio a servizio territoriale altro ambito/distretto della stessa regione",
        TransferOtherRegion = "2": "passaggio a servizio territoriale altro ambito/distretto di altra regione",
        CameOfAge = "3": "raggiunta età maggiorenne",
        NeedResolved = "4": "conclusione degli interventi e della presa in carico per risoluzione dello stato di bisogno",
        ExitRequested = "5": "uscita richiesta dal minore utente o dalla famiglia",
        Repatriation = "6": "rimpatrio", Untraceable = "7": "irreperibilità", Death = "8": "decesso", Other = "9": "altro",
    }
}

code_enum! {
    /// `SINBA@SituazioneChiusuraCarico`.
    SituazioneChiusuraCarico ("SituazioneChiusuraCaricoType") {
        FamilyOfOrigin = "1": "Nella famiglia di origine",
        IndependentLife = "2": "vita in autonomia (in appartamento anche con altri non familiari o parenti)",
        StaysWithFosterFamily = "3": "rimane nella famiglia affidataria anche se maggiorenne",
        StaysInSocialFacility = "4": "rimane nella struttura residenziale socio-assistenziale anche se maggiorenne",
        HealthFacility = "5": "collocato in struttura residenziale sanitaria",
        Adopted = "6": "adottato in una nuova famiglia", Prison = "7": "in istituto penale", Unknown = "8": "destinazione ignota",
    }
}

code_enum! {
    /// `SINBA@CollaborazioniInterventi`.
    CollaborazioniInterventi ("CollaborazioniInterventiType") {
        Sert = "1": "SERT", Npi = "2": "NPI", Psychology = "3": "psicologia", ClinicDsm = "4": "clinica/dsm",
        OtherSocialServices = "5": "altri servizi sociali (consultorio, centri famiglia, adulti, di altro ambito/distretto)",
        Ussm = "6": "ussm ministero giustizia", School = "7": "scuola",
        ThirdSector = "8": "servizi privato sociale associazionismo, volontariato", Other = "9": "altro",
    }
}

code_enum! {
    /// `SINBA@FasciaEtaBeneficiario`: the child's age band. Build it with
    /// [`FasciaEta::for_age`] from an age in whole years.
    FasciaEta ("FasciaEtaBeneficiarioType") {
        From0To3 = "1": "0-3 anni", From3To6 = "2": "3-6 anni", From6To9 = "3": "6-9 anni",
        From9To12 = "4": "9-12 anni", From12To15 = "5": "12-15 anni", From15To18 = "6": "15-18 anni",
    }
}

code_enum! {
    /// `SINBA@FasciaISEEBeneficiario`: the ISEE band. Build it with [`FasciaIsee::for_isee`].
    FasciaIsee ("FasciaISEEBeneficiarioType") {
        Zero = "1": "Valore ISEE=0", UpTo3000 = "2": "Tra 0.01 a 3000 Euro", UpTo6000 = "3": "Tra 3000.01 e 6000",
        UpTo9000 = "4": "Tra 6000.01 e 9000", UpTo12000 = "5": "Tra 9000.01 e 12000", UpTo15000 = "6": "Tra 12000.01 e 15000",
        UpTo20000 = "7": "Tra 15000.01 e 20000", Over20000 = "8": "Oltre i 20000 euro",
    }
}

impl FasciaEta {
    /// The band for an age in whole years (`welfare_types::dates::age_on`), or `None` from 18
    /// on (SINBA covers minors only).
    ///
    /// The XSD bands share their bounds ("0-3", "3-6", …): an age equal to a bound belongs to
    /// the band that starts there, so a child of exactly 3 is in "3-6". The bands are thus
    /// `[0,3) [3,6) [6,9) [9,12) [12,15) [15,18)` in completed years.
    pub fn for_age(years: u32) -> Option<FasciaEta> {
        match years {
            0..=2 => Some(FasciaEta::From0To3),
            3..=5 => Some(FasciaEta::From3To6),
            6..=8 => Some(FasciaEta::From6To9),
            9..=11 => Some(FasciaEta::From9To12),
            12..=14 => Some(FasciaEta::From12To15),
            15..=17 => Some(FasciaEta::From15To18),
            _ => None,
        }
    }
}

impl FasciaIsee {
    /// The band of an ISEE value, per the XSD labels (`0`; `0.01–3000`; `3000.01–6000`; …;
    /// over `20000`). A negative ISEE, which DPCM 159/2013 never produces, has no band.
    pub fn for_isee(isee: welfare_types::Money) -> Option<FasciaIsee> {
        use rust_decimal::Decimal;
        let value = isee.amount();
        let bound = |euros: i64| Decimal::from(euros);
        if value < Decimal::ZERO {
            None
        } else if value.is_zero() {
            Some(FasciaIsee::Zero)
        } else if value <= bound(3000) {
            Some(FasciaIsee::UpTo3000)
        } else if value <= bound(6000) {
            Some(FasciaIsee::UpTo6000)
        } else if value <= bound(9000) {
            Some(FasciaIsee::UpTo9000)
        } else if value <= bound(12000) {
            Some(FasciaIsee::UpTo12000)
        } else if value <= bound(15000) {
            Some(FasciaIsee::UpTo15000)
        } else if value <= bound(20000) {
            Some(FasciaIsee::UpTo20000)
        } else {
            Some(FasciaIsee::Over20000)
        }
    }
}
