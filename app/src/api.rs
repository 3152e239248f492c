//! The console's one typed client for the Precinct API. Screens call these functions; nothing
//! else touches gloo-net.

use gloo_net::http::{Request, RequestBuilder, Response};
use precinct_core::api::{Applications, Me, SignIn};
use precinct_core::problem::Problem;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call failed, ready to show: the server's problem body, or a network failure.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    Problem(Problem),
    Network(String),
}

impl ApiFailure {
    pub fn status(&self) -> u16 {
        match self {
            ApiFailure::Problem(problem) => problem.status,
            ApiFailure::Network(_) => 0,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiFailure::Problem(problem) => problem.message.clone(),
            ApiFailure::Network(_) => {
                "Precinct cannot be reached. Check your connection and try again.".to_string()
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure::Network(error.to_string())
}

/// State-changing calls carry the header the worker's CSRF check requires.
fn changing(builder: RequestBuilder) -> RequestBuilder {
    builder.header("x-precinct-csrf", "1")
}

async fn read<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    if response.ok() {
        response.json::<T>().await.map_err(network)
    } else {
        Err(read_problem(response).await)
    }
}

async fn read_problem(response: Response) -> ApiFailure {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiFailure::Problem(problem),
        Err(_) => ApiFailure::Problem(Problem {
            status,
            code: "unexpected_answer".to_string(),
            message: format!("Precinct answered with an unexpected error ({status})."),
            field: None,
        }),
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let response = Request::get(path).send().await.map_err(network)?;
    read(response).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    let response = changing(Request::post(path))
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

async fn delete(path: &str) -> ApiResult<()> {
    let response = changing(Request::delete(path))
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(read_problem(response).await)
    }
}

pub async fn sign_in(body: SignIn) -> ApiResult<Me> {
    post("/api/session", &body).await
}

pub async fn me() -> ApiResult<Me> {
    get("/api/session").await
}

pub async fn sign_out() -> ApiResult<()> {
    delete("/api/session").await
}

pub async fn applications() -> ApiResult<Applications> {
    get("/api/applications").await
}
