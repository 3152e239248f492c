//! What history records (R30): every kind of entry the worker writes is a [`HistoryEvent`], with
//! the record kind and action stored in D1 and the sentence a French page says for it (the worker
//! writes each entry's English sentence, `summary`, and what it is about, `subject`). The compiler
//! checks that every event has its French sentence.

/// One kind of history entry: what it is about (`kind`) and what happened (`action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryEvent {
    AccountCreated,
    AccountDemoSeeded,
    /// O03: the operator moved the account to another database.
    AccountMoved,
    AreaCreated,
    AreaUpdated,
    AreaDeleted,
    /// B03: an administrator marked an area's access review done.
    AreaReviewed,
    CompanyCreated,
    CompanyUpdated,
    CompanyAreaFollowedDirectory,
    CompanyUserInChargeRemoved,
    DirectoryCreated,
    DirectoryUpdated,
    GroupCreated,
    GroupUpdated,
    GroupDeleted,
    MailSettingsUpdated,
    UserCreated,
    UserUpdated,
    UserDeleted,
    UserEnabled,
    UserDisabled,
    UserMoved,
    UserAreaFollowedGroup,
    UserAccessChanged,
    UserMailPasswordChanged,
    UserImpersonationStarted,
    UserImpersonationEnded,
    UserInvitationSent,
    UserResetLinkSent,
    UserInvitationNotSent,
    UserMailFailed,
    UserSessionsEnded,
    EveryonesSessionsEnded,
    UserPasswordChanged,
    UserMfaEnrolled,
    UserMfaEntered,
    UserMfaRecoveryCodeUsed,
    UserMfaFailed,
    UserMfaReset,
    UserPasswordSet,
    UserSignInFailed,
}

impl HistoryEvent {
    pub const ALL: &'static [HistoryEvent] = &[
        HistoryEvent::AccountCreated,
        HistoryEvent::AccountDemoSeeded,
        HistoryEvent::AccountMoved,
        HistoryEvent::AreaCreated,
        HistoryEvent::AreaUpdated,
        HistoryEvent::AreaDeleted,
        HistoryEvent::AreaReviewed,
        HistoryEvent::CompanyCreated,
        HistoryEvent::CompanyUpdated,
        HistoryEvent::CompanyAreaFollowedDirectory,
        HistoryEvent::CompanyUserInChargeRemoved,
        HistoryEvent::DirectoryCreated,
        HistoryEvent::DirectoryUpdated,
        HistoryEvent::GroupCreated,
        HistoryEvent::GroupUpdated,
        HistoryEvent::GroupDeleted,
        HistoryEvent::MailSettingsUpdated,
        HistoryEvent::UserCreated,
        HistoryEvent::UserUpdated,
        HistoryEvent::UserDeleted,
        HistoryEvent::UserEnabled,
        HistoryEvent::UserDisabled,
        HistoryEvent::UserMoved,
        HistoryEvent::UserAreaFollowedGroup,
        HistoryEvent::UserAccessChanged,
        HistoryEvent::UserMailPasswordChanged,
        HistoryEvent::UserImpersonationStarted,
        HistoryEvent::UserImpersonationEnded,
        HistoryEvent::UserInvitationSent,
        HistoryEvent::UserResetLinkSent,
        HistoryEvent::UserInvitationNotSent,
        HistoryEvent::UserMailFailed,
        HistoryEvent::UserSessionsEnded,
        HistoryEvent::EveryonesSessionsEnded,
        HistoryEvent::UserPasswordChanged,
        HistoryEvent::UserMfaEnrolled,
        HistoryEvent::UserMfaEntered,
        HistoryEvent::UserMfaRecoveryCodeUsed,
        HistoryEvent::UserMfaFailed,
        HistoryEvent::UserMfaReset,
        HistoryEvent::UserPasswordSet,
        HistoryEvent::UserSignInFailed,
    ];

    /// The kind of record the entry is about, as stored (`entity_kind`).
    pub fn kind(self) -> &'static str {
        match self {
            HistoryEvent::AccountCreated => "account",
            HistoryEvent::AccountDemoSeeded => "account",
            HistoryEvent::AccountMoved => "account",
            HistoryEvent::AreaCreated => "area",
            HistoryEvent::AreaUpdated => "area",
            HistoryEvent::AreaDeleted => "area",
            HistoryEvent::AreaReviewed => "area",
            HistoryEvent::CompanyCreated => "company",
            HistoryEvent::CompanyUpdated => "company",
            HistoryEvent::CompanyAreaFollowedDirectory => "company",
            HistoryEvent::CompanyUserInChargeRemoved => "company",
            HistoryEvent::DirectoryCreated => "directory",
            HistoryEvent::DirectoryUpdated => "directory",
            HistoryEvent::GroupCreated => "group",
            HistoryEvent::GroupUpdated => "group",
            HistoryEvent::GroupDeleted => "group",
            HistoryEvent::MailSettingsUpdated => "mail_settings",
            HistoryEvent::UserCreated => "user",
            HistoryEvent::UserUpdated => "user",
            HistoryEvent::UserDeleted => "user",
            HistoryEvent::UserEnabled => "user",
            HistoryEvent::UserDisabled => "user",
            HistoryEvent::UserMoved => "user",
            HistoryEvent::UserAreaFollowedGroup => "user",
            HistoryEvent::UserAccessChanged => "user",
            HistoryEvent::UserMailPasswordChanged => "user",
            HistoryEvent::UserImpersonationStarted => "user",
            HistoryEvent::UserImpersonationEnded => "user",
            HistoryEvent::UserInvitationSent => "user",
            HistoryEvent::UserResetLinkSent => "user",
            HistoryEvent::UserInvitationNotSent => "user",
            HistoryEvent::UserMailFailed => "user",
            HistoryEvent::UserSessionsEnded => "user",
            HistoryEvent::EveryonesSessionsEnded => "user",
            HistoryEvent::UserPasswordChanged => "user",
            HistoryEvent::UserMfaEnrolled => "user",
            HistoryEvent::UserMfaEntered => "user",
            HistoryEvent::UserMfaRecoveryCodeUsed => "user",
            HistoryEvent::UserMfaFailed => "user",
            HistoryEvent::UserMfaReset => "user",
            HistoryEvent::UserPasswordSet => "user",
            HistoryEvent::UserSignInFailed => "user",
        }
    }

    /// What happened to it, as stored (`action`).
    pub fn action(self) -> &'static str {
        match self {
            HistoryEvent::AccountCreated => "created",
            HistoryEvent::AccountDemoSeeded => "demo_seeded",
            HistoryEvent::AccountMoved => "moved",
            HistoryEvent::AreaCreated => "created",
            HistoryEvent::AreaUpdated => "updated",
            HistoryEvent::AreaDeleted => "deleted",
            HistoryEvent::AreaReviewed => "reviewed",
            HistoryEvent::CompanyCreated => "created",
            HistoryEvent::CompanyUpdated => "updated",
            HistoryEvent::CompanyAreaFollowedDirectory => "area_followed_directory",
            HistoryEvent::CompanyUserInChargeRemoved => "user_in_charge_removed",
            HistoryEvent::DirectoryCreated => "created",
            HistoryEvent::DirectoryUpdated => "updated",
            HistoryEvent::GroupCreated => "created",
            HistoryEvent::GroupUpdated => "updated",
            HistoryEvent::GroupDeleted => "deleted",
            HistoryEvent::MailSettingsUpdated => "updated",
            HistoryEvent::UserCreated => "created",
            HistoryEvent::UserUpdated => "updated",
            HistoryEvent::UserDeleted => "deleted",
            HistoryEvent::UserEnabled => "enabled",
            HistoryEvent::UserDisabled => "disabled",
            HistoryEvent::UserMoved => "moved",
            HistoryEvent::UserAreaFollowedGroup => "area_followed_group",
            HistoryEvent::UserAccessChanged => "access_changed",
            HistoryEvent::UserMailPasswordChanged => "mail_password_changed",
            HistoryEvent::UserImpersonationStarted => "impersonation_started",
            HistoryEvent::UserImpersonationEnded => "impersonation_ended",
            HistoryEvent::UserInvitationSent => "invitation_sent",
            HistoryEvent::UserResetLinkSent => "reset_link_sent",
            HistoryEvent::UserInvitationNotSent => "invitation_not_sent",
            HistoryEvent::UserMailFailed => "mail_failed",
            HistoryEvent::UserSessionsEnded => "sessions_ended",
            HistoryEvent::EveryonesSessionsEnded => "everyones_sessions_ended",
            HistoryEvent::UserPasswordChanged => "password_changed",
            HistoryEvent::UserMfaEnrolled => "mfa_enrolled",
            HistoryEvent::UserMfaEntered => "mfa_entered",
            HistoryEvent::UserMfaRecoveryCodeUsed => "mfa_recovery_code_used",
            HistoryEvent::UserMfaFailed => "mfa_failed",
            HistoryEvent::UserMfaReset => "mfa_reset",
            HistoryEvent::UserPasswordSet => "password_set",
            HistoryEvent::UserSignInFailed => "sign_in_failed",
        }
    }

    /// The French sentence, `{s}` standing for the entry's subject.
    fn french(self) -> &'static str {
        match self {
            HistoryEvent::AccountCreated => "Compte {s} créé",
            HistoryEvent::AccountDemoSeeded => {
                "Zones, sociétés, groupes et utilisateurs de démonstration créés : {s}"
            }
            HistoryEvent::AccountMoved => {
                "Compte {s} transféré vers une autre base de données par l'opérateur"
            }
            HistoryEvent::AreaCreated => "Zone {s} créée",
            HistoryEvent::AreaUpdated => "Zone {s} modifiée",
            HistoryEvent::AreaDeleted => "Zone {s} supprimée",
            HistoryEvent::AreaReviewed => "Revue des accès de la zone {s} effectuée",
            HistoryEvent::CompanyCreated => "Société {s} créée",
            HistoryEvent::CompanyUpdated => "Société {s} modifiée",
            HistoryEvent::CompanyAreaFollowedDirectory => {
                "Zone de la société {s} alignée sur celle de son répertoire multidimensionnel"
            }
            HistoryEvent::CompanyUserInChargeRemoved => {
                "Responsable retiré de la société {s} : l'utilisateur a été supprimé"
            }
            HistoryEvent::DirectoryCreated => "Répertoire {s} créé",
            HistoryEvent::DirectoryUpdated => "Répertoire {s} modifié",
            HistoryEvent::GroupCreated => "Groupe d'utilisateurs {s} créé",
            HistoryEvent::GroupUpdated => "Groupe d'utilisateurs {s} modifié",
            HistoryEvent::GroupDeleted => "Groupe d'utilisateurs {s} supprimé",
            HistoryEvent::MailSettingsUpdated => "Paramètres de messagerie modifiés",
            HistoryEvent::UserCreated => "Utilisateur {s} créé",
            HistoryEvent::UserUpdated => "Utilisateur {s} modifié",
            HistoryEvent::UserDeleted => "Utilisateur {s} supprimé",
            HistoryEvent::UserEnabled => "Utilisateur {s} activé",
            HistoryEvent::UserDisabled => "Utilisateur {s} désactivé",
            HistoryEvent::UserMoved => "Utilisateur changé de groupe : {s}",
            HistoryEvent::UserAreaFollowedGroup => {
                "Zone ou niveau de l'utilisateur {s} changé avec son groupe"
            }
            HistoryEvent::UserAccessChanged => "Accès aux sociétés modifié : {s}",
            HistoryEvent::UserMailPasswordChanged => "Mot de passe de messagerie modifié : {s}",
            HistoryEvent::UserImpersonationStarted => {
                "Connexion en tant qu'un autre utilisateur : {s}"
            }
            HistoryEvent::UserImpersonationEnded => {
                "Fin de la connexion en tant qu'un autre utilisateur : {s}"
            }
            HistoryEvent::UserInvitationSent => "Invitation envoyée par e-mail : {s}",
            HistoryEvent::UserResetLinkSent => {
                "Lien de réinitialisation du mot de passe envoyé : {s}"
            }
            HistoryEvent::UserInvitationNotSent => {
                "Aucun lien envoyé : le compte n'a pas de paramètres de messagerie"
            }
            HistoryEvent::UserMailFailed => "E-mail non remis : {s}",
            HistoryEvent::UserSessionsEnded => "Toutes les sessions de {s} ont été fermées",
            HistoryEvent::EveryonesSessionsEnded => {
                "Sessions de tous les utilisateurs gérés fermées"
            }
            HistoryEvent::UserPasswordChanged => {
                "Mot de passe de connexion changé par son titulaire : {s}"
            }
            HistoryEvent::UserMfaEnrolled => "Connexion en deux étapes configurée : {s}",
            HistoryEvent::UserMfaEntered => "Second facteur saisi : {s}",
            HistoryEvent::UserMfaRecoveryCodeUsed => "Code de secours utilisé : {s}",
            HistoryEvent::UserMfaFailed => "Échec du second facteur : {s}",
            HistoryEvent::UserMfaReset => "Connexion en deux étapes de {s} réinitialisée",
            HistoryEvent::UserPasswordSet => "Mot de passe de connexion choisi : {s}",
            HistoryEvent::UserSignInFailed => {
                "Échec de connexion (mauvais mot de passe, ou utilisateur désactivé) : {s}"
            }
        }
    }

    /// The event of a stored kind and action.
    pub fn parse(kind: &str, action: &str) -> Option<HistoryEvent> {
        HistoryEvent::ALL
            .iter()
            .copied()
            .find(|event| event.kind() == kind && event.action() == action)
    }
}

/// The French sentence of a history entry, or `None` for a kind and action no event has.
pub fn french_history(kind: &str, action: &str, subject: Option<&str>) -> Option<String> {
    let text = HistoryEvent::parse(kind, action)?.french();
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
    fn every_event_is_listed_once_and_reads_back() {
        let mut seen = std::collections::BTreeSet::new();
        for event in HistoryEvent::ALL {
            assert!(
                seen.insert((event.kind(), event.action())),
                "{event:?} twice"
            );
            assert_eq!(
                HistoryEvent::parse(event.kind(), event.action()),
                Some(*event)
            );
            assert!(!event.french().is_empty());
        }
    }

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
