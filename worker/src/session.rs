//! Sign-in, sessions and sign-out (R03, R05): the only code that reads the session cookie.

use precinct_core::api::SignIn;
use precinct_core::history_text::HistoryEvent;
use precinct_core::problem::ProblemCode;
use precinct_core::validate::{normalize_user_code, MAX_PASSWORD_LEN, MAX_USER_CODE_LEN};
use worker::{D1PreparedStatement, Request};

use crate::auth::{self, Entropy, CLIENT_THROTTLE, USER_CODE_THROTTLE};
use crate::error::{ApiError, ApiResult};
use crate::http::{header, RequestContext};
use crate::principal::Principal;
use crate::store::{self, HistoryEntry, Homes, SystemDb};

pub fn cookie_token(req: &Request) -> Option<String> {
    let cookies = header(req.headers(), "cookie")?;
    auth::token_from_cookie_header(&cookies).map(str::to_string)
}

/// The live session of the request as a policy actor, or 401.
pub async fn authenticate(
    db: &SystemDb<'_>,
    req: &Request,
    ctx: &RequestContext,
) -> ApiResult<Principal> {
    let token = cookie_token(req).ok_or_else(ApiError::unauthenticated)?;
    principal_of_token(db, &token, ctx).await
}

pub async fn principal_of_token(
    db: &SystemDb<'_>,
    token: &str,
    ctx: &RequestContext,
) -> ApiResult<Principal> {
    let token_hash = auth::token_hash(token);
    let row = store::live_session(db, &token_hash, ctx.now)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Principal::load(db, row, ctx.now).await
}

const WRONG_CREDENTIALS: &str = "The user code or the password is incorrect.";

/// One attempt to prove who one is (a password, a second-factor code), reserved under the
/// person's and the client's throttles before anything is checked; its success says what to
/// give back.
pub struct Attempt {
    user_key: String,
    client_key: String,
}

impl Attempt {
    /// Reserves one attempt for `user_code` from `client`, and checks the lock, atomically before
    /// any hashing (sign-in, the current password of a password change, a second-factor code):
    /// a locked-out attacker costs nothing, and parallel guesses cannot all pass a check made
    /// before their failures are counted.
    pub async fn reserve(
        directory: &SystemDb<'_>,
        user_code: &str,
        client: &str,
        now: i64,
    ) -> ApiResult<Attempt> {
        let attempt = Attempt {
            user_key: format!("user:{}", normalize_user_code(user_code)),
            client_key: format!("client:{client}"),
        };
        if let Some(until) = store::reserve_attempts(
            directory,
            // The client first: once it is over its limit, the codes it names are not counted.
            &[
                (&attempt.client_key, CLIENT_THROTTLE),
                (&attempt.user_key, USER_CODE_THROTTLE),
            ],
            now,
        )
        .await?
        {
            let minutes = auth::minutes_left(until, now);
            return Err(ApiError::too_many(format!(
                "Too many failed attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            )));
        }
        Ok(attempt)
    }

    /// The person proved who they are: their failures are wiped, and the client's reservation
    /// given back (a shared address is not locked by its people signing in). The throttle is
    /// the directory's (O03: one count per user code, whichever database holds them), so this
    /// runs after the person's own batch, in the directory.
    pub async fn succeeded(&self, directory: &SystemDb<'_>) -> ApiResult<()> {
        let failures = store::clear_failures(directory, &self.user_key)?;
        self.give_back(directory, failures).await
    }

    /// A right password from someone who still owes a second factor (R35): only this attempt
    /// is given back, so a known password cannot wipe the count between guesses of the code.
    pub async fn first_step_succeeded(&self, directory: &SystemDb<'_>) -> ApiResult<()> {
        let attempt = store::refund_attempt(directory, &self.user_key)?;
        self.give_back(directory, attempt).await
    }

    /// Runs what is given back under the person's key with the client's reservation refunded.
    async fn give_back(
        &self,
        directory: &SystemDb<'_>,
        person: D1PreparedStatement,
    ) -> ApiResult<()> {
        let client = store::refund_attempt(directory, &self.client_key)?;
        store::batch(directory, vec![person, client]).await?;
        Ok(())
    }
}

/// Signs in; on success returns the new session token and the number of the database that
/// holds it, the person's account's (the old one, if any, is deleted: rotation).
pub async fn sign_in(
    homes: &Homes,
    req: &Request,
    ctx: &RequestContext,
    body: SignIn,
    entropy: &mut impl Entropy,
) -> ApiResult<(String, usize)> {
    if body.user_code.trim().is_empty() {
        return Err(ApiError::invalid(
            "user_code",
            ProblemCode::Required,
            "Enter your user code (your email address).",
        ));
    }
    if body.user_code.len() > MAX_USER_CODE_LEN {
        return Err(ApiError::invalid(
            "user_code",
            ProblemCode::TooLong,
            "A user code has at most 254 characters.",
        ));
    }
    if body.password.is_empty() {
        return Err(ApiError::invalid(
            "password",
            ProblemCode::Required,
            "Enter your password.",
        ));
    }
    if body.password.len() > MAX_PASSWORD_LEN {
        return Err(ApiError::invalid(
            "password",
            ProblemCode::TooLong,
            "A password has at most 128 characters.",
        ));
    }
    let user_code = normalize_user_code(&body.user_code);
    let directory = homes.directory();
    let attempt = Attempt::reserve(&directory, &user_code, &ctx.client, ctx.now).await?;

    let found = store::find_sign_in_candidate(&directory, &user_code).await?;
    // Unscoped: the database of the account the user code names; no one is signed in yet.
    let home = found.as_ref().and_then(|(_, home)| homes.unscoped(*home));
    let candidate = found
        .filter(|_| home.is_some())
        .map(|(candidate, _)| candidate);
    let verified = match candidate.as_ref().and_then(|c| c.password_hash.as_deref()) {
        Some(phc) => auth::verify_password(&body.password, phc),
        None => {
            auth::spend_equal_time(&body.password, entropy);
            false
        }
    };
    let signed_in = candidate.as_ref().filter(|c| verified && c.active == 1);

    // ASVS 6.4.1: the printed password, unchanged past its 72 hours, opens nothing; only the
    // person with that password is told why.
    if signed_in.is_some_and(|user| user.password_expires_at.is_some_and(|at| at <= ctx.now)) {
        return Err(ApiError::problem(
            401,
            ProblemCode::InitialPasswordExpired,
            Some("password"),
            "This one-time password has expired (it worked for 72 hours). Use \"Forgot \
             password\" to get a link at your address, or ask the operator.",
        ));
    }
    let (Some(user), Some(db)) = (signed_in, home) else {
        // The failure was counted when the attempt was reserved; a known user's history says so.
        if let (Some(known), Some(db)) = (&candidate, home) {
            let account = db.account_found(known.account_id);
            let entry = store::insert_history(
                // The account of the person the code names: no one is signed in yet.
                &account,
                &HistoryEntry {
                    at: ctx.now,
                    actor: None,
                    on_behalf_of: None,
                    event: HistoryEvent::UserSignInFailed,
                    entity_id: Some(known.id),
                    area_id: known.area_id,
                    subject: Some(&user_code),
                    summary: "Sign-in failed: wrong password, or the user is disabled",
                    changes: &[],
                },
            )?;
            store::record(&account, entry).await?;
        }
        return Err(ApiError::Problem(precinct_core::problem::Problem {
            status: 401,
            code: ProblemCode::InvalidCredentials.as_str().to_string(),
            message: WRONG_CREDENTIALS.to_string(),
            field: None,
            errors: Vec::new(),
        }));
    };

    let token = auth::homed_token(db.home(), entropy)?;
    // The account of the person who just proved who they are.
    let account_db = db.account_found(user.account_id);
    let mut statements = vec![store::insert_session(
        &account_db,
        &auth::token_hash(&token),
        user.id,
        ctx.now,
        &crate::http::header(req.headers(), "user-agent").unwrap_or_default(),
    )?];
    if user.owes_second_factor == 0 {
        // B03: the last sign-in, with the session it opens (after the second factor when one
        // is owed: a password alone is not a sign-in).
        statements.push(store::users::signed_in(&account_db, user.id, ctx.now)?);
    }
    store::batch(&db, statements).await?;
    // R35: a person who owes a second factor keeps their earlier failures until it is entered.
    if user.owes_second_factor == 0 {
        attempt.succeeded(&directory).await?;
    } else {
        attempt.first_step_succeeded(&directory).await?;
    }
    sign_out(homes, req).await?;
    Ok((token, db.home()))
}

/// Ends the request's session on the server, in its database (the cookie is cleared by the
/// caller).
pub async fn sign_out(homes: &Homes, req: &Request) -> ApiResult<()> {
    let Some(token) = cookie_token(req) else {
        return Ok(());
    };
    // Unscoped: the session table is keyed by the token, in the database the token names.
    if let Some(db) = auth::home_of_token(&token).and_then(|home| homes.unscoped(home)) {
        store::delete_session(&db, &auth::token_hash(&token))?
            .run()
            .await?;
    }
    Ok(())
}
