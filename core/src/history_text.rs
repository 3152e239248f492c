//! History entries said in French: the worker writes each entry's English sentence (`summary`)
//! and, separately, what it is about (`subject`); a French page says it from
//! (`entity_kind`, `action`, `subject`) with this table. The worker's tests fail on an entry kind
//! and action it writes that this table lacks.

/// The French sentence of a history entry, or `None` for a kind and action this table lacks.
pub fn french_history(kind: &str, action: &str, subject: Option<&str>) -> Option<String> {
    let text = match (kind, action) {
        ("account", "created") => "Compte {s} créé",
        ("account", "demo_seeded") => {
            "Zones, sociétés, groupes et utilisateurs de démonstration créés : {s}"
        }
        ("area", "created") => "Zone {s} créée",
        ("area", "updated") => "Zone {s} modifiée",
        ("area", "deleted") => "Zone {s} supprimée",
        ("company", "created") => "Société {s} créée",
        ("company", "updated") => "Société {s} modifiée",
        ("company", "area_followed_directory") => {
            "Zone de la société {s} alignée sur celle de son répertoire multidimensionnel"
        }
        ("company", "user_in_charge_removed") => {
            "Responsable retiré de la société {s} : l'utilisateur a été supprimé"
        }
        ("directory", "created") => "Répertoire {s} créé",
        ("directory", "updated") => "Répertoire {s} modifié",
        ("group", "created") => "Groupe d'utilisateurs {s} créé",
        ("group", "updated") => "Groupe d'utilisateurs {s} modifié",
        ("group", "deleted") => "Groupe d'utilisateurs {s} supprimé",
        ("mail_settings", "updated") => "Paramètres de messagerie modifiés",
        ("user", "created") => "Utilisateur {s} créé",
        ("user", "updated") => "Utilisateur {s} modifié",
        ("user", "deleted") => "Utilisateur {s} supprimé",
        ("user", "enabled") => "Utilisateur {s} activé",
        ("user", "disabled") => "Utilisateur {s} désactivé",
        ("user", "moved") => "Utilisateur changé de groupe : {s}",
        ("user", "area_followed_group") => {
            "Zone ou niveau de l'utilisateur {s} changé avec son groupe"
        }
        ("user", "access_changed") => "Accès aux sociétés modifié : {s}",
        ("user", "mail_password_changed") => "Mot de passe de messagerie modifié : {s}",
        ("user", "impersonation_started") => "Connexion en tant qu'un autre utilisateur : {s}",
        ("user", "impersonation_ended") => {
            "Fin de la connexion en tant qu'un autre utilisateur : {s}"
        }
        ("user", "invitation_sent") => "Invitation envoyée par e-mail : {s}",
        ("user", "reset_link_sent") => "Lien de réinitialisation du mot de passe envoyé : {s}",
        ("user", "invitation_not_sent") => {
            "Aucun lien envoyé : le compte n'a pas de paramètres de messagerie"
        }
        ("user", "mail_failed") => "E-mail non remis : {s}",
        ("user", "sessions_ended") => "Toutes les sessions de {s} ont été fermées",
        ("user", "password_changed") => "Mot de passe de connexion changé par son titulaire : {s}",
        ("user", "mfa_enrolled") => "Connexion en deux étapes configurée : {s}",
        ("user", "mfa_entered") => "Second facteur saisi : {s}",
        ("user", "mfa_recovery_code_used") => "Code de secours utilisé : {s}",
        ("user", "mfa_failed") => "Échec du second facteur : {s}",
        ("user", "mfa_reset") => "Connexion en deux étapes de {s} réinitialisée",
        ("user", "password_set") => "Mot de passe de connexion choisi : {s}",
        ("user", "sign_in_failed") => {
            "Échec de connexion (mauvais mot de passe, ou utilisateur désactivé) : {s}"
        }
        _ => return None,
    };
    let subject = subject.map(str::trim).unwrap_or_default();
    Some(
        text.replace("{s}", subject)
            .replace("  ", " ")
            .trim_end_matches([' ', ':'])
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_in_french_with_or_without_their_subject() {
        assert_eq!(
            french_history("area", "created", Some("NORTH")).as_deref(),
            Some("Zone NORTH créée")
        );
        assert_eq!(
            french_history("area", "created", None).as_deref(),
            Some("Zone créée")
        );
        assert_eq!(
            french_history("user", "access_changed", Some("a@b.test")).as_deref(),
            Some("Accès aux sociétés modifié : a@b.test")
        );
        assert_eq!(
            french_history("user", "access_changed", None).as_deref(),
            Some("Accès aux sociétés modifié")
        );
        assert_eq!(french_history("user", "teleported", Some("x")), None);
    }
}
