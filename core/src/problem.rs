//! The one error shape every 4xx/5xx answer of the API carries, shared so the console can read it.

use serde::{Deserialize, Serialize};

/// A JSON problem body: `{"status":422,"code":"invalid_email","field":"user_code","message":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub status: u16,
    /// Machine-readable reason, stable across releases (`snake_case`).
    pub code: String,
    /// A sentence a person can read.
    pub message: String,
    /// The request field at fault, when exactly one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Every problem code the worker sends, said in French: the console shows this on French
/// pages (in English it shows the worker's own sentence, which names the exact limit or field).
/// The worker's tests fail on a code this table lacks.
pub fn french_reason(code: &str) -> Option<&'static str> {
    Some(match code {
        "not_found" | "not_visible" => "Cet enregistrement n'existe pas ou est hors de ce que vous pouvez voir.",
        "not_signed_in" => "Vous n'êtes pas connecté, ou votre session a pris fin. Reconnectez-vous.",
        "invalid_credentials" => "Le code utilisateur ou le mot de passe est incorrect.",
        "too_many_attempts" => "Trop de tentatives. Attendez quelques minutes avant de réessayer.",
        "csrf_header_missing" | "origin_mismatch" => "La demande a été refusée par sécurité. Rechargez la page et réessayez.",
        "method_not_allowed" | "invalid_json" | "empty_body" | "body_too_large" | "invalid_type" | "unknown_field" | "invalid_cursor" | "out_of_range" => "La demande n'a pas pu être lue. Rechargez la page et réessayez.",
        "missing_field" | "required" => "Ce champ est obligatoire.",
        "too_long" => "Ce texte est trop long : raccourcissez-le.",
        "invalid_text" => "Ce texte contient des caractères non autorisés.",
        "invalid_code" => "Un code ne peut contenir que des lettres, des chiffres, « _ », « - » et « . ».",
        "invalid_email" => "Ce n'est pas une adresse e-mail valide, comme nom@exemple.com.",
        "invalid_url" => "Ce n'est pas une adresse web valide (https://…).",
        "invalid_value" => "Cette valeur n'est pas acceptée.",
        "immutable" => "Cette valeur ne peut plus être changée.",
        "too_many" => "Trop d'éléments en une fois : au plus 10 000.",
        "already_used" => "Cette valeur est déjà utilisée ; choisissez-en une autre.",
        "still_referenced" => "D'autres enregistrements s'y réfèrent encore : il ne peut pas être modifié ainsi.",
        "unknown_group" => "Ce groupe d'utilisateurs n'existe pas ou est hors de votre zone.",
        "unknown_company" => "Cette société n'existe pas ou est hors de votre zone.",
        "unknown_area" => "Cette zone n'existe pas.",
        "unknown_directory" => "Ce répertoire n'existe pas ou est hors de votre zone.",
        "confirm_move_across_areas" => "Ce déplacement change la zone de l'utilisateur : confirmez-le.",
        "ambiguous_user" => "Plusieurs utilisateurs correspondent : choisissez dans la liste.",
        "unknown_user" => "Cet utilisateur n'existe pas ou ne peut pas être choisi ici.",
        "not_acting" => "Vous n'agissez pas en tant qu'un autre utilisateur.",
        "requires_administrator" => "Seul un administrateur peut faire cela.",
        "requires_administrative_level" => "Seul un administrateur ou un administrateur local peut faire cela.",
        "option_not_held" => "Votre groupe d'utilisateurs n'a pas l'option nécessaire.",
        "outside_area" => "C'est hors de votre zone.",
        "admin_group_has_no_area" => "Un groupe Administrateur n'a pas de zone.",
        "local_admin_group_needs_area" => "Un groupe Administrateur local ou Utilisateur doit avoir une zone.",
        "admin_group_has_all_options" => "Un groupe Administrateur a toujours toutes les options.",
        "cannot_grant_option" => "Vous ne pouvez accorder que des options que vous détenez.",
        "beyond_own_rights" => "Cela donnerait des droits que vous n'avez pas vous-même.",
        "cannot_change_group_area" => "Vous ne pouvez pas changer la zone de ce groupe.",
        "cannot_change_company_area" => "Vous ne pouvez pas changer la zone de cette société.",
        "cannot_edit_own_group" => "Vous ne pouvez pas modifier votre propre groupe d'utilisateurs.",
        "cannot_move_self" => "Vous ne pouvez pas changer votre propre groupe.",
        "cannot_disable_self" => "Vous ne pouvez pas vous désactiver vous-même.",
        "cannot_delete_self" => "Vous ne pouvez pas vous supprimer vous-même.",
        "last_administrator" => "Le compte doit garder au moins un administrateur actif.",
        "cannot_impersonate" => "Vous ne pouvez pas vous connecter en tant que cet utilisateur.",
        "user_inactive" => "Cet utilisateur est désactivé.",
        "area_in_use" => "Cette zone est encore utilisée par des groupes, des sociétés ou des répertoires.",
        "group_in_use" => "Ce groupe a encore des utilisateurs.",
        "directory_carries_area" | "directory_area" => "Dans un répertoire multidimensionnel, chaque société a la zone du répertoire.",
        "company_access_locked" => "Un administrateur a accès à toutes les sociétés : cet accès ne se coche pas.",
        "company_outside_user_area" => "Cette société est hors de la zone du groupe de l'utilisateur.",
        "user_in_charge_outside_area" => "Le responsable doit être de la zone de la société, ou administrateur.",
        "group_mismatch" => "Ce groupe n'est pas celui de l'utilisateur.",
        "mail_settings_incomplete" => "Les paramètres de messagerie sont incomplets : complétez-les dans Paramètres généraux > Divers.",
        "mail_password_missing" => "Cet utilisateur n'a pas de mot de passe de messagerie : définissez-le d'abord.",
        "mail_wrong_credentials" => "Le relais de messagerie refuse l'utilisateur ou le mot de passe de messagerie : vérifiez le mot de passe de messagerie de l'utilisateur.",
        "mail_failed" => "Le fournisseur de messagerie n'a pas accepté le message.",
        "mail_settings_missing" => "Le compte n'a pas de paramètres de messagerie : un administrateur doit d'abord choisir le fournisseur et l'adresse d'expédition dans Paramètres généraux > Divers.",
        "mismatch" => "Les deux mots de passe ne sont pas identiques.",
        "weak_password" => "Le mot de passe doit comporter au moins 12 caractères et n'être ni courant ni facile à deviner.",
        "invalid_link" => "Ce lien n'est plus valide : il a déjà servi ou a expiré. Demandez-en un nouveau.",
        "version_conflict" => "Cet enregistrement a été modifié par quelqu'un d'autre depuis son ouverture. Rechargez pour voir ses modifications, puis refaites les vôtres.",
        "mail_wrong_key" => "Le fournisseur de messagerie refuse la clé d'API : vérifiez-la dans Paramètres généraux > Divers.",
        "mail_sender_not_verified" => "Le fournisseur de messagerie n'accepte pas l'adresse d'expédition : vérifiez-la chez lui.",
        "mail_recipient_rejected" => "Le fournisseur de messagerie refuse le destinataire.",
        "mail_rate_limited" => "Le fournisseur de messagerie limite les envois : réessayez dans un moment.",
        "mail_provider_down" => "Le fournisseur de messagerie est en panne : réessayez plus tard.",
        "mail_timeout" => "Le fournisseur de messagerie n'a pas répondu à temps.",
        "mail_unreachable" => "Le fournisseur de messagerie est injoignable.",
        "unsupported_media_type" => "La demande n'a pas pu être lue. Rechargez la page et réessayez.",
        "duplicate_field" => "Un champ est donné deux fois.",
        "mail_key_unavailable" => "Messagerie indisponible : prévenez l'opérateur du service.",
        "mail_key_unreadable" | "api_key_required_again" => "Saisissez de nouveau la clé d'API.",
        "mail_password_unreadable" => "Saisissez de nouveau le mot de passe de messagerie.",
        "insecure_mail_destination" => "L'adresse du fournisseur doit être en https://.",
        "password_change_required" => "Choisissez d'abord votre propre mot de passe.",
        "wrong_password" => "Ce n'est pas votre mot de passe actuel.",
        "same_password" => "Le nouveau mot de passe doit être différent de l'actuel.",
        "cannot_reset_own_mfa" => "Un autre administrateur doit réinitialiser votre second facteur.",
        "mfa_required" => "Saisissez d'abord le code de votre application d'authentification.",
        "mfa_enrolment_required" => "Configurez d'abord la connexion en deux étapes.",
        "wrong_code" => "Ce code n'est pas valable.",
        "mfa_already_enrolled" => "La connexion en deux étapes est déjà configurée.",
        "address_taken" => "Cette adresse est déjà utilisée par un autre utilisateur, qui l'a confirmée le premier.",
        "mfa_not_enrolled" => "Cet utilisateur n'a pas configuré la connexion en deux étapes.",
        "mfa_not_owed" => "Cette session ne demande pas de second facteur.",
        "secret_key_unavailable" => "Connexion en deux étapes indisponible : prévenez l'opérateur du service.",
        "mfa_secret_unreadable" => "Votre second facteur est illisible : demandez à un administrateur de le réinitialiser.",
        "mfa_not_started" => "Recommencez la configuration de la connexion en deux étapes.",
        "internal_error" => "Une erreur inattendue est survenue. Réessayez ; si elle persiste, prévenez le support.",
        _ => return None,
    })
}

/// A reason no code names, by its status (a code added to the worker before the console).
pub fn french_status(status: u16) -> &'static str {
    match status {
        401 => "Vous n'êtes pas connecté, ou votre session a pris fin. Reconnectez-vous.",
        403 => "Vous n'avez pas le droit de faire cela.",
        404 => "Cet enregistrement n'existe pas ou est hors de ce que vous pouvez voir.",
        409 => "Cela entre en conflit avec les données actuelles. Rechargez et réessayez.",
        429 => "Trop de demandes. Attendez un moment avant de réessayer.",
        400..=499 => "Vérifiez les champs signalés.",
        _ => {
            "Une erreur inattendue est survenue. Réessayez ; si elle persiste, prévenez le support."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DenyCode;

    #[test]
    fn every_policy_refusal_has_a_french_reason() {
        for code in DenyCode::ALL {
            assert!(french_reason(code.as_str()).is_some(), "{}", code.as_str());
        }
    }

    #[test]
    fn unknown_codes_fall_back_to_their_status() {
        assert_eq!(french_reason("no_such_code"), None);
        assert_eq!(
            french_status(403),
            "Vous n'avez pas le droit de faire cela."
        );
        assert_ne!(french_status(422), french_status(500));
    }
}
